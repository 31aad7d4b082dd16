import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Connection limits shared by `mldeck serve` and `mldeck server`: a connection that has not sent
/// a complete request head (a slow or "slowloris" client), or that sits idle between requests,
/// is closed after ``idleTimeout`` seconds, so idle sockets cannot pile up. A request that is
/// being answered is never cut; a body that keeps arriving keeps its connection.
public enum ConnectionLimits {
    /// The default idle limit, in seconds.
    public static let defaultIdleTimeout = 30.0

    /// `MLDECK_HTTP_IDLE_TIMEOUT` (seconds, for tests and unusual clients) or ``defaultIdleTimeout``.
    public static var idleTimeout: Double {
        if let text = ProcessInfo.processInfo.environment["MLDECK_HTTP_IDLE_TIMEOUT"], let value = Double(text),
           value.isFinite, value > 0, value <= 86_400 {
            return value
        }
        return defaultIdleTimeout
    }

    /// The HTTP/1.1 server with these limits, for `Application(router:server:…)`; with a
    /// ``FastRoute``, its requests are answered in the channel pipeline (``FastRouteHandler``).
    public static func server(fastRoute: FastRoute? = nil) -> HTTPServerBuilder {
        let limit = Int64(idleTimeout * 1000)
        guard let fastRoute else { return .http1(configuration: HTTP1Channel.Configuration(idleTimeout: .milliseconds(limit))) }
        // The fast route's handler keeps the idle limit over every request (Hummingbird's handler
        // never sees the ones answered in the pipeline, and would close a busy connection).
        let configuration = HTTP1Channel.Configuration(idleTimeout: nil)
        return HTTPServerBuilder { responder in
            FastRouteChannel(http1: HTTP1Channel(responder: responder, configuration: configuration), route: fastRoute,
                             serverName: serverName, idleLimit: .milliseconds(limit))
        }
    }

    /// The `Server` header of every answer, the router's (``ApplicationConfiguration``) and the pipeline's.
    public static let serverName = "mldeck"
}

/// Hummingbird's HTTP/1.1 channel with a ``FastRouteHandler`` put right after SwiftNIO's request
/// decoder, before the conversion to Swift HTTP Types and the handlers that feed the router.
struct FastRouteChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http1: HTTP1Channel
    let route: FastRoute
    let serverName: String
    let idleLimit: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Still on the loop, in the same turn: no request can have been read yet.
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(FastRouteHandler(route: route, serverName: serverName, idleLimit: idleLimit), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
