import Foundation
import Hummingbird
import HummingbirdCore
import NIOCore

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

    /// The HTTP/1.1 server with these limits, for `Application(router:server:…)`.
    public static var server: HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: .milliseconds(Int64(idleTimeout * 1000))))
    }
}
