import Hummingbird
import NIOCore
import NIOHTTPTypes

/// The channel handler behind ``FastRoute``: sits after Hummingbird's connection-state handler
/// (which keeps the idle limit and graceful shutdown for every request, answered here or not)
/// and before the async channel that feeds Hummingbird's router.
///
/// Order of answers: HTTP/1.1 lets a client send requests before the earlier ones are answered,
/// and they must be answered in order. While a request passed on to the router is unanswered
/// (its response's end not yet written), every later request is passed on too, so the router
/// answers them in turn; a request is answered here only when nothing before it is pending.
final class FastRouteHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Reading {
        /// Between requests.
        case idle
        /// Reading a request this handler will answer.
        case collecting(head: HTTPRequest, body: ByteBuffer?, started: ContinuousClock.Instant)
        /// Reading a request the router answers: its parts go on, up to its end.
        case passing
    }

    private let route: FastRoute
    private let serverName: String
    private var reading = Reading.idle
    /// Requests passed on to the router whose response has not been written to its end.
    private var owedByRouter = 0
    private var date = HTTPDateText()

    init(route: FastRoute, serverName: String) {
        self.route = route; self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
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
            write(route.answer(head, body ?? ByteBuffer(), started), context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), owedByRouter > 0 { owedByRouter -= 1 }
        context.write(data, promise: promise)
    }

    private func write(_ answer: FastRoute.Answer, context: ChannelHandlerContext) {
        var fields = answer.headers
        fields[.contentLength] = String(answer.body.readableBytes)
        fields[.date] = date.now()
        fields[.server] = serverName
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
