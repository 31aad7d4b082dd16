import Hummingbird
import NIOCore
import NIOHTTP1

extension MLflowServer {
    /// The logging calls (`POST …/runs/log-metric`, `log-parameter`, `set-tag`, `log-batch`)
    /// answered in the channel pipeline (``FastRoute``): the same ``MLflowService/handleLogging(_:params:completion:)``
    /// and answers as the router's `api` route, which still answers what this declines (a wrong
    /// or missing token, a chunked body, …). A training script's `mlflow.log_metric` per step is
    /// most of what a tracking server answers.
    func makeFastRoute() -> FastRoute {
        let service = self.service, token = self.token
        let paths = Set(MLflowService.loggingEndpoints.map { Self.apiPrefix + $0 })
        return FastRoute(accepts: FastRoute.posts(to: paths, token: token), maxBody: maxBody, answerLater: { head, body, _, respond in
            let endpoint = String(FastRoute.path(of: head).dropFirst(Self.apiPrefix.count))
            let params: MLflowParams
            do throws(MLflowError) {
                params = try MLflowParams(body: Array(body.readableBytesView))
            } catch {
                respond(error.httpError.answer)
                return
            }
            service.handleLogging(endpoint, params: params) { result in
                switch result {
                case .success(let json):
                    respond(FastRoute.Answer(status: .ok, headers: HTTPHeaders([("Content-Type", "application/json")]), body: ByteBuffer(string: json)))
                case .failure(let error):
                    respond(error.httpError.answer)
                }
            }
        })
    }
}
