import DeckML
import Foundation
import Hummingbird
import NIOCore

/// Counts every answer (status and latency) in ``RequestMetrics``. Outermost, so that error
/// answers are counted with their status.
public struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    public init(metrics: RequestMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try HTTPAPIError.from(error).response(from: request, context: context)
        }
        metrics.record(status: response.status.code, seconds: (ContinuousClock.now - start).inSeconds)
        return response
    }
}

/// Turns every error into a JSON answer (``HTTPAPIError``): nothing a client sends ends in a
/// closed connection or a body that is not JSON.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try HTTPAPIError.from(error).response(from: request, context: context)
        }
    }
}

/// Requires `Authorization: Bearer TOKEN` on every path but the open ones (`/health`, `/ping`).
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: BearerToken
    let openPaths: Set<String>

    public init(token: BearerToken, openPaths: Set<String> = ["/health", "/ping"]) {
        self.token = token; self.openPaths = openPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard token.accepts(authorization: request.headers[.authorization]) else {
            throw HTTPAPIError(.unauthorized, code: "UNAUTHENTICATED", "missing or wrong token: send 'Authorization: Bearer TOKEN'",
                               headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }
}

/// Reading a request body within a limit.
public enum RequestBodyReader {
    /// The default limit: 16 MiB.
    public static let defaultLimit = 16 << 20

    /// The whole body as bytes; a body over `limit` bytes (by its `Content-Length`, or as it
    /// arrives) is a 413.
    public static func bytes(of request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit)
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        }
    }

    static func tooLarge(_ limit: Int) -> HTTPAPIError {
        HTTPAPIError(.contentTooLarge, code: "BAD_REQUEST", "the request body is larger than \(limit) bytes (the server's --max-body)")
    }
}
