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
/// answers them in turn; a request is answered here only when nothing before it is pending. While
/// an answer made here is awaited (a logging call waiting for its commit), later requests' parts
/// are held and read again, in order, once it is written.
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
    /// An answer made here is awaited: later parts wait in ``held``.
    private var awaiting = false
    private var held: [HTTPRequestPart] = []
    /// The async channel asked for more bytes while an answer was awaited: asked on once it is
    /// written, so a client that sends without reading answers holds at most one read's parts.
    private var readDeferred = false

    init(route: FastRoute, serverName: String) {
        self.route = route; self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaiting {
            held.append(unwrapInboundIn(data))
            return
        }
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
        if case .end = unwrapOutboundIn(data), owedByRouter > 0 { owedByRouter -= 1 }
        context.write(data, promise: promise)
    }

    private func write(_ answer: FastRoute.Answer, context: ChannelHandlerContext) {
        var fields = answer.headers   // a route's answer never sets these three: appended, not searched for
        fields.append(.init(name: .contentLength, value: String(answer.body.readableBytes)))
        fields.append(.init(name: .date, value: date.now()))
        fields.append(.init(name: .server, value: serverName))
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
