import Logging
import ServiceLifecycle

/// Runs a server and the services beside it (a log writer, a watcher) in one
/// swift-service-lifecycle group: SIGTERM or SIGINT start a graceful stop — the HTTP server
/// stops accepting and finishes the requests in flight, then the other services stop in reverse
/// order (so a log writer listed first flushes last, after the last request has been logged).
public enum ServerRunner {
    /// Runs `services` (the HTTP application last) until a signal or an error stops them.
    /// - Parameter maximumShutdown: how long a graceful stop may take before the group is cancelled.
    public static func run(_ services: [any Service], logger: Logger, maximumShutdown: Duration = .seconds(30)) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdown
        try await ServiceGroup(configuration: configuration).run()
    }
}
