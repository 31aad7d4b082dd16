import NIOCore

/// When a connection has sat idle too long and is closed: nothing read or written for
/// ``limit``, and no request in progress unless it is still being read (a client that sends a
/// request's head or body slower than the limit, a "slowloris", is cut; one waiting for its
/// answer is not).
///
/// Hummingbird's connection-state handler keeps this rule for the requests it sees; a
/// ``FastRouteHandler`` answers requests before they reach that handler, so it keeps the same rule
/// for every request of its connection and Hummingbird's own limit is off there
/// (``ConnectionLimits/server(fastRoute:)``).
struct IdleState {
    let limit: TimeAmount
    private(set) var lastActive: NIODeadline

    init(limit: TimeAmount, now: NIODeadline) {
        self.limit = limit; lastActive = now
    }

    /// Something was read or written at `now`.
    mutating func touch(_ now: NIODeadline) { lastActive = now }

    enum Decision: Equatable {
        /// Close the connection.
        case close
        /// Look again at this time.
        case check(at: NIODeadline)
        /// A request is being answered: look again once its answer is written.
        case wait
    }

    /// What to do when the timer fires at `now`. `answering`: a request has been read whole and
    /// its answer is not yet written; `reading`: a request's head has arrived and its end not yet.
    func decide(now: NIODeadline, answering: Bool, reading: Bool) -> Decision {
        if answering && !reading { return .wait }
        let deadline = lastActive + limit
        return now >= deadline ? .close : .check(at: deadline)
    }
}
