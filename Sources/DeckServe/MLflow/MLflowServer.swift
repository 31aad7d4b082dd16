import DeckStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `mldeck server`: MLflow's tracking REST API on Hummingbird, over ``MLflowService``. Routes:
/// `GET|POST /api/2.0/mlflow/<endpoint>`, the `mlflow-artifacts` proxy
/// (`PUT|GET /api/2.0/mlflow-artifacts/artifacts/<path>`, `GET …/artifacts?path=`), `GET /health`.
/// Anything else is a JSON `ENDPOINT_NOT_FOUND` 404.
public final class MLflowServer: Sendable {
    public let service: MLflowService
    public let host: String
    public let port: Int
    public let token: BearerToken?
    /// The largest JSON body accepted (artifacts are streamed and not limited).
    public let maxBody: Int
    /// Event-loop threads (nil: ``EventLoopThreads/defaultCount(_:cores:)`` for tracking, half the cores).
    public let threads: Int?

    /// `inactiveAfter`: seconds without a call after which a RUNNING MLflow run is marked FAILED (nil: never).
    public init(store: DeckStore, host: String, port: Int, token: BearerToken?, maxBody: Int = RequestBodyReader.defaultLimit,
                inactiveAfter: Double? = nil, threads: Int? = nil) throws {
        service = try MLflowService(store: store, inactiveAfter: inactiveAfter)
        self.host = host; self.port = port; self.token = token; self.maxBody = maxBody; self.threads = threads
    }

    static let apiPrefix = "/api/2.0/mlflow/"
    static let artifactsPrefix = "/api/2.0/mlflow-artifacts/artifacts"

    /// The router with every route and the shared HTTP layer (JSON errors, auth).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        if let token { router.add(middleware: BearerAuthMiddleware(token: token, openPaths: ["/health"])) }
        let service = self.service, limit = maxBody
        let api: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let endpoint = String(request.uri.path.dropFirst(Self.apiPrefix.count))
            guard MLflowService.knows(endpoint) else {
                throw MLflowError("ENDPOINT_NOT_FOUND", "no endpoint \(request.method) \(request.uri.path)").httpError
            }
            let params: MLflowParams
            do {
                if request.method == .get {
                    params = MLflowParams(queryString: request.uri.query ?? "")
                } else {
                    params = try MLflowParams(body: try await RequestBodyReader.bytes(of: request, limit: limit))
                }
                if request.method == .post, MLflowService.loggingEndpoints.contains(endpoint) {
                    return Self.json(try await service.handleLogging(endpoint, params: params))
                }
                return Self.json(try service.handle(endpoint, method: request.method.rawValue, params: params))
            } catch let error as MLflowError {
                throw error.httpError
            }
        }
        for method in [HTTPRequest.Method.get, .post, .patch, .delete] {
            router.on("/api/2.0/mlflow/**", method: method, use: api)
        }
        router.get("/api/2.0/mlflow-artifacts/artifacts") { request, _ -> Response in
            do {
                let path = request.uri.queryParameters.get("path") ?? ""
                return Self.json(try service.listArtifacts(rawPath: path))
            } catch let error as MLflowError { throw error.httpError }
        }
        router.get("/api/2.0/mlflow-artifacts/artifacts/**") { request, _ -> Response in
            do {
                let path = try MLflowArtifactPath(raw: String(request.uri.path.dropFirst(Self.artifactsPrefix.count)))
                let artifact = try service.artifactObject(path)
                let data: Data
                do { data = try service.store.objects.read(artifact.object) } catch { throw MLflowError.from(error) }
                let name = path.path.split(separator: "/").last.map(String.init) ?? "artifact"
                let safeName = name.replacingOccurrences(of: "\"", with: "_").replacingOccurrences(of: "\r", with: "_").replacingOccurrences(of: "\n", with: "_")
                return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                                       .contentDisposition: "attachment; filename=\"\(safeName)\"",
                                                       HTTPFields.Element.Name("X-Content-Type-Options")!: "nosniff"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
            } catch let error as MLflowError { throw error.httpError }
        }
        router.put("/api/2.0/mlflow-artifacts/artifacts/**") { request, _ -> Response in
            do {
                let path = try MLflowArtifactPath(raw: String(request.uri.path.dropFirst(Self.artifactsPrefix.count)))
                _ = try service.artifactRun(path)
                let temporary = service.store.objects.temporary.appendingPathComponent("mlflow-upload-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: temporary) }
                try await Self.stream(request.body, to: temporary)
                try service.putArtifact(path, file: temporary)
                return Self.json("{}")
            } catch let error as MLflowError { throw error.httpError }
        }
        router.get("/health") { _, _ -> Response in Self.json("{\"status\":\"ok\"}") }
        return router
    }

    /// Writes a request body to `file` as it arrives.
    static func stream(_ body: RequestBody, to file: URL) async throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw MLflowError("INTERNAL_ERROR", "cannot write the upload to the workspace's temporary folder")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        for try await buffer in body {
            try handle.write(contentsOf: Data(buffer.readableBytesView))
        }
    }

    /// Checks for inactive runs every quarter of `--inactive-after` (between 50 ms and a minute).
    static func startSweeper(_ service: MLflowService) -> Task<Void, Never>? {
        guard let limit = service.inactiveAfter else { return nil }
        let interval = min(max(limit / 4, 0.05), 60)
        return Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                _ = try? service.failInactiveRuns()
            }
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs until SIGTERM/SIGINT; `announce` is called once listening, with the address.
    public func run(announce: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "mldeck-server")
        logger.logLevel = .error
        let host = self.host, port = self.port
        let group = EventLoopThreads.makeGroup(threads, role: .tracking)
        let app = Application(
            router: makeRouter(), server: ConnectionLimits.server(fastRoute: makeFastRoute()),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: ConnectionLimits.serverName, reuseAddress: false),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                announce("http://\(host.contains(":") ? "[\(host)]" : host):\(bound)")
            },
            eventLoopGroupProvider: .shared(group), logger: logger)
        let sweeper = Self.startSweeper(service)
        defer { sweeper?.cancel() }
        do {
            try await ServerRunner.run([app], logger: logger)
        } catch let error as IOError {
            try? await group.shutdownGracefully()
            throw ServeSetupError.cannotBind(address: "\(host):\(port)", reason: error.description)
        }
        try? await group.shutdownGracefully()
    }
}

/// Why `mldeck server` does not start.
public enum MLflowServerSetupError: Error, CustomStringConvertible, CategorizedError {
    /// A non-loopback address without a token.
    case tokenRequired(host: String)

    public var category: ErrorCategory { .invalidArgument }

    public var description: String {
        switch self {
        case .tokenRequired(let host):
            return "binding \(host) makes the tracking server reachable from other machines: give --token T (or set MLDECK_SERVER_TOKEN); MLflow clients then send it from MLFLOW_TRACKING_TOKEN=T. Bind 127.0.0.1 to serve this machine only."
        }
    }
}
