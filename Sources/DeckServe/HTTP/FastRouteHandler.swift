import Hummingbird
import NIOCore
import NIOHTTP1

/// The channel handler behind ``FastRoute``: sits right after SwiftNIO's HTTP/1 request decoder,
/// before the conversion to Swift HTTP Types, Hummingbird's connection-state handler and the
/// async channel that feeds the router; its answers go out through SwiftNIO's response encoder.
///
/// Order of answers: HTTP/1.1 lets a client send requests before the earlier ones are answered,
/// and they must be answered in order. While a request passed on to the router is unanswered
/// (its response's end not yet written), every later request is passed on too, so the router
/// answers them in turn; a request is answered here only when nothing before it is pending. While
/// an answer made here is awaited (a logging call waiting for its commit), later requests' parts
/// are held and read again, in order, once it is written.
///
/// The connection's idle limit is kept here (``IdleState``), over every request, as Hummingbird's
/// handler would keep it (Hummingbird's own limit is off: it never sees the requests answered
/// here). A graceful stop (`ChannelShouldQuiesceEvent`) reaching the connection while a request
/// is being read or answered here waits until its answer is written, then goes on to
/// Hummingbird's handler, which closes the connection once the router's answers, if any, are
/// written.
final class FastRouteHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum Reading {
        /// Between requests.
        case idle
        /// Reading a request this handler will answer.
        case collecting(head: HTTPRequestHead, body: ByteBuffer?, started: ContinuousClock.Instant)
        /// Reading a request the router answers: its parts go on, up to its end.
        case passing
    }

    private let route: FastRoute
    private let serverName: String
    private var reading = Reading.idle
    /// Requests passed on to the router whose response has not been written to its end.
    private var owedByRouter = 0
    private var date = HTTPDateText()
    /// An answer made here is awaited: later parts wait in ``held``.
    private var awaiting = false
    private var held: [HTTPServerRequestPart] = []
    /// The async channel asked for more bytes while an answer was awaited: asked on once it is
    /// written, so a client that sends without reading answers holds at most one read's parts.
    private var readDeferred = false
    /// A graceful stop that arrived while a request was read or answered here.
    private var quiesceDeferred: Any?
    private var idle: IdleState?
    private var idleCheck: Scheduled<Void>?

    init(route: FastRoute, serverName: String, idleLimit: TimeAmount?) {
        self.route = route; self.serverName = serverName
        idle = idleLimit.map { IdleState(limit: $0, now: .now()) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaiting {
            held.append(unwrapInboundIn(data))
            return
        }
        idle?.touch(.now())
        switch unwrapInboundIn(data) {
        case .head(let head):
            if owedByRouter == 0, route.takes(head) {
                reading = .collecting(head: head, body: nil, started: .now)
            } else {
                reading = .passing
                owedByRouter += 1
                context.fireChannelRead(data)
            }
        case .body(let part):
            guard case .collecting(let head, var body, let started) = reading else {
                context.fireChannelRead(data)
                return
            }
            reading = .idle  // drops the enum's reference to the buffer, so appending does not copy it
            if body == nil { body = part } else { body!.writeImmutableBuffer(part) }
            reading = .collecting(head: head, body: body, started: started)
        case .end:
            guard case .collecting(let head, let body, let started) = reading else {
                reading = .idle
                context.fireChannelRead(data)
                return
            }
            reading = .idle
            awaiting = true
            let loop = context.eventLoop
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: loop)
            route.answer(head, body ?? ByteBuffer(), started) { answer in
                if loop.inEventLoop {
                    bound.value.handler.finish(answer, context: bound.value.context)
                } else {
                    loop.execute { bound.value.handler.finish(answer, context: bound.value.context) }
                }
            }
        }
    }

    /// Writes the awaited answer, then reads the parts held meanwhile (until one is awaited again).
    private func finish(_ answer: FastRoute.Answer, context: ChannelHandlerContext) {
        awaiting = false
        write(answer, context: context)
        if let event = quiesceDeferred {
            quiesceDeferred = nil
            context.fireUserInboundEventTriggered(event)
        }
        let replaying = !held.isEmpty
        while !awaiting, !held.isEmpty {
            channelRead(context: context, data: NIOAny(held.removeFirst()))
        }
        // Outside a socket read: the async channel hands what it was given to the router only
        // at a read's end.
        if replaying { context.fireChannelReadComplete() }
        if !awaiting, readDeferred {
            readDeferred = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if awaiting { readDeferred = true } else { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let ended: Bool
        if case .end = unwrapOutboundIn(data) { ended = true } else { ended = false }
        if ended, owedByRouter > 0 { owedByRouter -= 1 }
        context.write(data, promise: promise)
        if ended { answered(context: context) }
    }

    private func write(_ answer: FastRoute.Answer, context: ChannelHandlerContext) {
        var fields = answer.headers   // a route's answer never sets these three: appended, not searched for
        fields.add(name: "Content-Length", value: String(answer.body.readableBytes))
        fields.add(name: "Date", value: date.now())
        fields.add(name: "Server", value: serverName)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: answer.status, headers: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        answered(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A request this handler is reading or answering is finished first: Hummingbird's
        // handler, which never sees it, would close the connection under it.
        if event is ChannelShouldQuiesceEvent, awaiting || isCollecting {
            quiesceDeferred = event
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private var isCollecting: Bool {
        if case .collecting = reading { return true }
        return false
    }

    // MARK: The idle limit

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { checkIdle(context: context, at: idle.map { $0.lastActive + $0.limit }) }
    }

    func channelActive(context: ChannelHandlerContext) {
        idle?.touch(.now())
        checkIdle(context: context, at: idle.map { $0.lastActive + $0.limit })
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel(); idleCheck = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel(); idleCheck = nil
    }

    /// An answer's end was written: the connection is active now, and idle from now if nothing
    /// else is in progress.
    private func answered(context: ChannelHandlerContext) {
        guard idle != nil else { return }
        idle?.touch(.now())
        if !awaiting, owedByRouter == 0, let idle { checkIdle(context: context, at: idle.lastActive + idle.limit) }
    }

    /// Looks at the connection at `deadline` (unless a look is already due).
    private func checkIdle(context: ChannelHandlerContext, at deadline: NIODeadline?) {
        guard let deadline, idleCheck == nil else { return }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(deadline: deadline) {
            bound.value.handler.idleCheckFired(context: bound.value.context)
        }
    }

    private func idleCheckFired(context: ChannelHandlerContext) {
        idleCheck = nil
        guard let idle, context.channel.isActive else { return }
        let isReading: Bool
        if case .idle = reading { isReading = false } else { isReading = true }
        switch idle.decide(now: .now(), answering: awaiting || owedByRouter > 0, reading: isReading) {
        case .close: context.close(promise: nil)
        case .check(let at): checkIdle(context: context, at: at)
        case .wait: break   // looked at again once the answer is written (``answered(context:)``)
        }
    }
}
