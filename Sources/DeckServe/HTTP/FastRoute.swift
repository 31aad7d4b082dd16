import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1

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
/// commit's thread, which hands it to the loop). It reads SwiftNIO's own HTTP/1 parts, before
/// they are turned into Swift HTTP Types for the router: that conversion and back, and the
/// handlers between, cost ~22,000 instructions of a ~230,000-instruction single-row prediction
/// (callgrind). Hummingbird still runs the server (binding, lifecycle, graceful shutdown) and
/// answers every other request, and every request this route declines (``accepts`` false, a
/// body without a `Content-Length`, `Connection: close`, `Expect`, HTTP/1.0), the same way it
/// always did; the connection's idle limit is kept by ``FastRouteHandler`` (``IdleState``).
///
/// The route's owner keeps the two paths equal: ``answer`` must give what the router gives for
/// the same request (both call the same ``PredictionEndpoint`` or ``MLflowService`` function).
public struct FastRoute: Sendable {
    /// The answer to one request, in SwiftNIO's HTTP/1 types (written as they are).
    public struct Answer: Sendable {
        public var status: HTTPResponseStatus
        public var headers: HTTPHeaders
        public var body: ByteBuffer

        public init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) {
            self.status = status; self.headers = headers; self.body = body
        }
    }

    /// Whether this route answers the request (its head); false leaves it to the router.
    public var accepts: @Sendable (HTTPRequestHead) -> Bool
    /// Requests announcing a larger body are left to the router, which answers them 413.
    public var maxBody: Int
    /// Answers an accepted request, given its head, its whole body and when its head arrived, by
    /// calling `respond` once, from any thread (at once, or when a write has committed). Runs on
    /// the event loop: it must not block on anything but the CPU.
    public var answer: @Sendable (HTTPRequestHead, ByteBuffer, ContinuousClock.Instant, _ respond: @escaping @Sendable (Answer) -> Void) -> Void

    /// A route whose answer is made at once, on the event loop.
    public init(accepts: @escaping @Sendable (HTTPRequestHead) -> Bool, maxBody: Int,
                answer: @escaping @Sendable (HTTPRequestHead, ByteBuffer, ContinuousClock.Instant) -> Answer) {
        self.init(accepts: accepts, maxBody: maxBody, answerLater: { head, body, started, respond in respond(answer(head, body, started)) })
    }

    /// A route whose answer may come later, from another thread (``answer``).
    public init(accepts: @escaping @Sendable (HTTPRequestHead) -> Bool, maxBody: Int,
                answerLater: @escaping @Sendable (HTTPRequestHead, ByteBuffer, ContinuousClock.Instant, _ respond: @escaping @Sendable (Answer) -> Void) -> Void) {
        self.accepts = accepts; self.maxBody = maxBody; self.answer = answerLater
    }

    /// Whether the pipeline may answer this request itself: the route takes it, its body length
    /// is announced and within ``maxBody``, its target is a path (not the absolute form, which
    /// the router's types rewrite), and nothing in its head asks for the router's handling
    /// (closing the connection after the answer, `100-continue`, HTTP/1.0).
    func takes(_ head: HTTPRequestHead) -> Bool {
        guard head.version == .http1_1, head.uri.utf8.first == UInt8(ascii: "/") else { return false }
        // One pass over the fields (a look-up per name scans them all).
        var length: Int?, hosts = 0
        for (name, value) in head.headers {
            switch name.utf8.count {   // compared only where the length matches one of these names
            case 14 where name.equalsIgnoringASCIICase("content-length"):
                guard length == nil, let bytes = Int(value), bytes >= 0, bytes <= maxBody else { return false }
                length = bytes
            case 6 where name.equalsIgnoringASCIICase("expect"), 17 where name.equalsIgnoringASCIICase("transfer-encoding"):
                return false
            case 10 where name.equalsIgnoringASCIICase("connection"):
                if value.lowercased().contains("close") { return false }
            case 4 where name.equalsIgnoringASCIICase("host"):
                hosts += 1   // two are the router's types' error
            default:
                continue
            }
        }
        return length != nil && hosts <= 1 && accepts(head)
    }

    /// The values of the header `name`, joined by ", " as the router's types join repeated
    /// fields; nil when it is absent.
    public static func header(_ name: String, of head: HTTPRequestHead) -> String? {
        let values = head.headers[name]   // NIO's look-up ignores the name's case
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// The rule both servers' routes use: a `POST` to one of `paths` (the query aside), with the
    /// right token when there is one (a missing or wrong one is left to the router's 401).
    public static func posts(to paths: Set<String>, token: BearerToken?) -> @Sendable (HTTPRequestHead) -> Bool {
        let paths = Array(paths)   // a handful: compared in place, without making a String to hash
        return { head in
            guard head.method == .POST else { return false }
            let path = path(of: head).utf8
            return paths.contains(where: { $0.utf8.elementsEqual(path) })
                && (token?.accepts(authorization: header("authorization", of: head)) ?? true)
        }
    }

    /// The request path without its query.
    public static func path(of head: HTTPRequestHead) -> Substring {
        let uri = head.uri
        // By bytes: looking for a Character walks grapheme clusters (~4,000 instructions a request).
        return uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri[...]
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

extension String {
    /// Whether this is `lower` (a lower-case ASCII name) but for the case of its ASCII letters,
    /// as header names compare.
    func equalsIgnoringASCIICase(_ lower: String) -> Bool {
        let a = utf8, b = lower.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in x == y || (x &- 65 < 26 && x &+ 32 == y) }
    }
}
