import Foundation
import Hummingbird
import NIOCore

/// A route answered inside the connection's channel pipeline, on its event-loop thread, instead
/// of through Hummingbird's router.
///
/// Why: Hummingbird hands every request from the event loop to a task on Swift's cooperative
/// pool and the answer back, through an async sequence, the router and its middleware. On this
/// project's 2-core machine that machinery alone costs ~45 µs of CPU a request (`GET /health`,
/// perf), a third of a single-row prediction's whole cost and more than scoring it. For the
/// routes that carry the traffic (`mldeck serve`'s `POST /invocations`, `mldeck server`'s logging
/// calls), ``FastRouteHandler`` reads the request, calls ``answer`` and writes the response on the
/// loop, as a plain SwiftNIO server would (a logging call's answer comes back from the group
/// commit's thread, which hands it to the loop);
/// Hummingbird still runs the server (binding, lifecycle, graceful shutdown, idle limits) and
/// answers every other request, and every request this route declines (``accepts`` false, a
/// body without a `Content-Length`, `Connection: close`, `Expect`), the same way it always did.
///
/// The route's owner keeps the two paths equal: ``answer`` must give what the router gives for
/// the same request (both call the same ``PredictionEndpoint`` or ``MLflowService`` function).
public struct FastRoute: Sendable {
    /// The answer to one request.
    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var body: ByteBuffer

        public init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) {
            self.status = status; self.headers = headers; self.body = body
        }
    }

    /// Whether this route answers the request (its head); false leaves it to the router.
    public var accepts: @Sendable (HTTPRequest) -> Bool
    /// Requests announcing a larger body are left to the router, which answers them 413.
    public var maxBody: Int
    /// Answers an accepted request, given its head, its whole body and when its head arrived, by
    /// calling `respond` once, from any thread (at once, or when a write has committed). Runs on
    /// the event loop: it must not block on anything but the CPU.
    public var answer: @Sendable (HTTPRequest, ByteBuffer, ContinuousClock.Instant, _ respond: @escaping @Sendable (Answer) -> Void) -> Void

    /// A route whose answer is made at once, on the event loop.
    public init(accepts: @escaping @Sendable (HTTPRequest) -> Bool, maxBody: Int,
                answer: @escaping @Sendable (HTTPRequest, ByteBuffer, ContinuousClock.Instant) -> Answer) {
        self.init(accepts: accepts, maxBody: maxBody, answerLater: { head, body, started, respond in respond(answer(head, body, started)) })
    }

    /// A route whose answer may come later, from another thread (``answer``).
    public init(accepts: @escaping @Sendable (HTTPRequest) -> Bool, maxBody: Int,
                answerLater: @escaping @Sendable (HTTPRequest, ByteBuffer, ContinuousClock.Instant, _ respond: @escaping @Sendable (Answer) -> Void) -> Void) {
        self.accepts = accepts; self.maxBody = maxBody; self.answer = answerLater
    }

    /// Whether the pipeline may answer this request itself: the route takes it, its body length
    /// is announced and within ``maxBody``, and nothing in its head asks for the router's
    /// handling (closing the connection after the answer, `100-continue`).
    func takes(_ head: HTTPRequest) -> Bool {
        // One pass over the fields (a subscript per name scans them all and joins repeated values).
        var length: Int?
        for field in head.headerFields {
            switch field.name {
            case .contentLength:
                guard length == nil, let bytes = Int(field.value), bytes >= 0, bytes <= maxBody else { return false }
                length = bytes
            case .expect, .transferEncoding:
                return false
            case .connection:
                if field.value.lowercased().contains("close") { return false }
            default:
                continue
            }
        }
        return length != nil && accepts(head)
    }

    /// The rule both servers' routes use: a `POST` to one of `paths` (the query aside), with the
    /// right token when there is one (a missing or wrong one is left to the router's 401).
    public static func posts(to paths: Set<String>, token: BearerToken?) -> @Sendable (HTTPRequest) -> Bool {
        let paths = Array(paths)   // a handful: compared in place, without making a String to hash
        return { head in
            guard head.method == .post else { return false }
            let path = path(of: head).utf8
            return paths.contains(where: { $0.utf8.elementsEqual(path) })
                && (token?.accepts(authorization: head.headerFields[.authorization]) ?? true)
        }
    }

    /// The request path without its query.
    public static func path(of head: HTTPRequest) -> Substring {
        guard let path = head.path else { return "" }
        // By bytes: looking for a Character walks grapheme clusters (~4,000 instructions a request).
        return path.utf8.firstIndex(of: UInt8(ascii: "?")).map { path[..<$0] } ?? path[...]
    }
}

/// The `Date` header's value, formatted once a second (RFC 9110's IMF-fixdate).
struct HTTPDateText {
    private var second = -1
    private var text = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        var seconds = time(nil)
        if seconds != second {
            second = seconds
            var parts = tm()
            gmtime_r(&seconds, &parts)
            text = Self.format(parts)
        }
        return text
    }

    static func format(_ parts: tm) -> String {
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
