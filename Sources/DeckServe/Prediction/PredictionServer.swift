import DeckML
import DeckStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `mldeck serve`: the prediction endpoint of one model (a fixed version, or an alias it
/// follows), on Hummingbird. Routes: `POST /invocations` and `POST /predict` (MLflow's scoring
/// protocol), `POST /feedback`, `GET /health` (and `/ping`), `GET /version`, `GET /metrics`.
public final class PredictionServer: @unchecked Sendable {
    public let store: DeckStore
    public let options: ServeOptions
    public let slot: ModelSlot
    public let metrics = RequestMetrics()
    public let writer: PredictionLogWriter
    public let endpoint: PredictionEndpoint
    /// The shadow version's scorer (`--shadow ALIAS`).
    public let shadow: ShadowScorer?
    let model: String
    let alias: String?
    let started = Date()
    let registry: ServerRegistry
    private let boundAddress = LockedBox<(host: String, port: Int)?>(nil)

    /// Loads the model (`alias` nil: the fixed `version`) and opens the prediction log.
    public init(store: DeckStore, version: ModelVersionRecord, alias: String?, options: ServeOptions) throws {
        self.store = store; self.options = options; self.model = version.model; self.alias = alias
        slot = ModelSlot(try ServedModel.load(store: store, version: version, alias: alias, strictColumns: options.strictColumns))
        let log = options.logPredictions ? try PredictionLog.open(store.workspace) : nil
        writer = PredictionLogWriter(log: log, capacity: options.logQueue, retention: options.retention, writeDelay: options.logWriteDelay)
        if let shadowAlias = options.shadowAlias {
            guard let log else { throw ServeSetupError.shadowNeedsLog }
            let shadowVersion = try store.modelVersion(ModelReference(model: version.model, selector: .alias(shadowAlias)))
            shadow = ShadowScorer(slot: ModelSlot(try ServedModel.load(store: store, version: shadowVersion, alias: shadowAlias, strictColumns: false)),
                                  log: log, writer: writer)
        } else {
            shadow = nil
        }
        endpoint = PredictionEndpoint(slot: slot, writer: writer, shadow: shadow)
        registry = ServerRegistry(workspace: store.workspace)
    }

    /// The router with every route and the shared HTTP layer (metrics, JSON errors, auth).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware())
        if let token = options.token { router.add(middleware: BearerAuthMiddleware(token: token)) }
        let endpoint = self.endpoint, limit = options.maxBody
        for path in ["invocations", "predict"] {
            router.post(RouterPath(stringLiteral: path)) { request, _ -> Response in
                let started = ContinuousClock.now
                let body = try await RequestBodyReader.bytes(of: request, limit: limit)
                let answer = try endpoint.predict(body: body, contentType: request.headers[.contentType], started: started)
                return Self.json(answer.json, version: answer.version)
            }
            router.get(RouterPath(stringLiteral: path)) { _, _ -> Response in
                throw HTTPAPIError(.methodNotAllowed, code: "BAD_REQUEST", "/\(path) takes POST with the rows to score", headers: [.allow: "POST"])
            }
        }
        router.post("feedback") { [self] request, _ -> Response in
            let body = try await RequestBodyReader.bytes(of: request, limit: limit)
            return Self.json(try feedback(body), version: slot.current.version.version)
        }
        for path in ["health", "ping"] {
            router.get(RouterPath(stringLiteral: path)) { [self] _, _ -> Response in
                let served = slot.current
                return Self.json("{\"status\":\"ok\",\"model\":\(JSONText.quoted(served.version.model)),\"version\":\(served.version.version)}",
                                 version: served.version.version)
            }
        }
        router.get("version") { [self] _, _ -> Response in Self.json(versionJSON(), version: slot.current.version.version) }
        router.get("metrics") { [self] _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.prometheusText(extra: extraMetrics()))))
        }
        return router
    }

    static func json(_ text: String, version: Int) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", ServeHeaders.modelVersion: "\(version)"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `since` in `/version`: ISO 8601 with milliseconds, so that a swap's time can be told from
    /// its alias commit's (README: "within a second").
    static func sinceText(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.string(from: date)
    }

    func versionJSON() -> String {
        let served = slot.current
        var json = JSONText()
        json.raw("{"); json.key("model"); json.string(served.version.model)
        json.raw(","); json.key("version"); json.raw("\(served.version.version)")
        json.raw(","); json.key("alias"); json.raw(served.alias.map(JSONText.quoted) ?? "null")
        json.raw(","); json.key("since"); json.string(Self.sinceText(served.since))
        if let shadow {
            let version = shadow.slot.current
            json.raw(","); json.key("shadow")
            json.raw("{"); json.key("version"); json.raw("\(version.version.version)")
            json.raw(","); json.key("alias"); json.raw(version.alias.map(JSONText.quoted) ?? "null"); json.raw("}")
        }
        json.raw("}")
        return json.text
    }

    func extraMetrics() -> [String] {
        let counts = writer.counts
        let served = slot.current
        return [
            "# HELP mldeck_serve_predictions_logged_total Predicted rows written to the prediction log.",
            "# TYPE mldeck_serve_predictions_logged_total counter",
            "mldeck_serve_predictions_logged_total \(counts.logged)",
            "# HELP mldeck_serve_prediction_log_dropped_total Predicted rows not logged (the log writer fell behind or failed).",
            "# TYPE mldeck_serve_prediction_log_dropped_total counter",
            "mldeck_serve_prediction_log_dropped_total \(counts.dropped)",
            "# HELP mldeck_serve_model_version The model version answering now.",
            "# TYPE mldeck_serve_model_version gauge",
            "mldeck_serve_model_version{model=\(JSONText.quoted(served.version.model))} \(served.version.version)",
        ] + shadowMetrics()
    }

    func shadowMetrics() -> [String] {
        guard let shadow else { return [] }
        let counts = shadow.counts
        return [
            "# HELP mldeck_serve_shadow_rows_total Rows the shadow version scored and logged, dropped (they found its inbox full, or no room on the way to the log) or failed to score.",
            "# TYPE mldeck_serve_shadow_rows_total counter",
            "mldeck_serve_shadow_rows_total{outcome=\"scored\"} \(counts.scored)",
            "mldeck_serve_shadow_rows_total{outcome=\"dropped\"} \(counts.dropped)",
            "mldeck_serve_shadow_rows_total{outcome=\"failed\"} \(counts.failed)",
            "# HELP mldeck_serve_shadow_version The shadow version scoring beside the primary.",
            "# TYPE mldeck_serve_shadow_version gauge",
            "mldeck_serve_shadow_version{model=\(JSONText.quoted(model))} \(shadow.slot.current.version.version)",
        ]
    }

    /// `POST /feedback`: `{"prediction_ids": […], "labels": […]}`, `{"ids": […], "labels": […]}`
    /// (the caller's ids), or `{"feedback": [{"prediction_id"|"id": …, "label": …}]}`.
    func feedback(_ body: [UInt8]) throws -> String {
        let entries = try FeedbackRequest.parse(body, model: slot.current.version.model)
        guard writer.isEnabled else {
            throw HTTPAPIError(.conflict, code: "INVALID_STATE", "this server does not log predictions (--no-log), so it keeps no feedback")
        }
        guard writer.enqueue(feedback: entries) else {
            throw HTTPAPIError(.serviceUnavailable, code: "TEMPORARILY_UNAVAILABLE", "the prediction log is behind; send the feedback again shortly")
        }
        return "{\"accepted\":\(entries.count)}"
    }

    /// Runs until SIGTERM/SIGINT (or `servers stop`): then stops accepting, finishes the
    /// requests in flight, removes its registry entry and flushes the prediction log.
    /// `announce` is called once listening, with the address.
    public func run(announce: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "mldeck-serve")
        logger.logLevel = .error
        let group = EventLoopThreads.makeGroup(options.threads, role: .scoring)
        let host = options.host
        let app = Application(
            router: makeRouter(), server: ConnectionLimits.server(fastRoute: makeFastRoute()),
            configuration: ApplicationConfiguration(address: .hostname(host, port: options.port), serverName: ConnectionLimits.serverName, reuseAddress: false),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? options.port
                boundAddress.set((host, port))
                recordDeployment()  // before the registry entry, which `deploy … serve: true` waits for
                writeRegistry()
                announce("http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
            },
            eventLoopGroupProvider: .shared(group), logger: logger)
        var services: [any Service] = [writer, RegistryHeartbeat(server: self)]
        if let alias {
            services.append(AliasWatcher(store: store, slot: slot, model: model, alias: alias, strictColumns: options.strictColumns,
                                         interval: options.watchInterval, onSwap: { [self] served in
                FileHandle.standardError.write(Data("mldeck serve: now serving \(served.version.reference) (\(alias) moved)\n".utf8))
                writeRegistry()
            }))
        }
        if let shadow, let shadowAlias = options.shadowAlias {
            services.insert(shadow, at: 1)
            services.append(AliasWatcher(store: store, slot: shadow.slot, model: model, alias: shadowAlias, strictColumns: false,
                                         interval: options.watchInterval, onSwap: { served in
                FileHandle.standardError.write(Data("mldeck serve: shadow now \(served.version.reference) (\(shadowAlias) moved)\n".utf8))
            }))
        }
        services.append(app)
        do {
            try await ServerRunner.run(services, logger: logger)
        } catch let error as IOError {
            try? await group.shutdownGracefully()
            throw ServeSetupError.cannotBind(address: "\(host):\(options.port)", reason: error.description)
        }
        try? await group.shutdownGracefully()
        if let lost = writer.failure { throw ServeSetupError.predictionsNotLogged(count: lost.rows, reason: lost.reason) }
    }

    /// Writes this server's registry entry (address, version, requests).
    func writeRegistry() {
        guard let bound = boundAddress.get() else { return }
        let served = slot.current
        let entry = ServerEntry(address: "http://\(bound.host.contains(":") ? "[\(bound.host)]" : bound.host):\(bound.port)",
                                host: bound.host, port: bound.port, model: model, alias: alias,
                                version: served.version.version, since: served.since.timeIntervalSince1970,
                                started: started.timeIntervalSince1970, requests: metrics.requestCount, pid: getpid(),
                                processStart: ServerRegistry.processStartTime(getpid()) ?? "", hostName: ProcessInfo.processInfo.hostName,
                                heartbeat: Date().timeIntervalSince1970)
        try? registry.write(entry)
    }

    func removeRegistry() {
        guard let bound = boundAddress.get() else { return }
        registry.remove(host: bound.host, port: bound.port)
        if let alias { _ = try? store.endDeployments(model: model, alias: alias, address: deploymentAddress(bound)) }
    }

    /// `host:port`, as deployments record a server's address.
    func deploymentAddress(_ bound: (host: String, port: Int)) -> String {
        ServerRegistry.deploymentAddress(host: bound.host, port: bound.port)
    }

    /// Records that this server serves its alias on its address (`models deployments` shows it);
    /// alias moves carry the record over to the new version, and a stop ends it. A fixed version
    /// is not a deployment.
    func recordDeployment() {
        guard let alias, let bound = boundAddress.get() else { return }
        let address = deploymentAddress(bound)
        _ = try? store.recordDeployment(model: model, version: slot.current.version.version, alias: alias, address: address,
                                        reason: "mldeck serve listening on \(address)")
    }
}

/// Header names the endpoint sets.
public enum ServeHeaders {
    /// The version that answered.
    public static let modelVersion = HTTPFields.Element.Name("X-Model-Version")!
}

/// Rewrites the registry entry every second (request count and heartbeat: a server killed with
/// `kill -9` is taken to have ended at its last one) and removes the entry on stop.
struct RegistryHeartbeat: Service {
    let server: PredictionServer

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            server.writeRegistry()
        }
        server.removeRegistry()
    }
}
