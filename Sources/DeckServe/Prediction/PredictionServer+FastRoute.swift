import Hummingbird
import NIOCore
import NIOHTTP1

extension PredictionServer {
    /// `POST /invocations` and `POST /predict` answered in the channel pipeline (``FastRoute``):
    /// the same ``PredictionEndpoint`` call, answer, headers and metrics as the router's routes,
    /// which still answer what this declines (a wrong or missing token, a chunked body, …).
    func makeFastRoute() -> FastRoute {
        let endpoint = self.endpoint, metrics = self.metrics, token = options.token
        return FastRoute(accepts: FastRoute.posts(to: ["/invocations", "/predict"], token: token), maxBody: options.maxBody, answer: { head, body, started in
            let answer: FastRoute.Answer
            do throws(HTTPAPIError) {
                let scored = try endpoint.predict(body: Array(body.readableBytesView), contentType: FastRoute.header("content-type", of: head), started: started)
                answer = FastRoute.Answer(status: .ok, headers: HTTPHeaders([("Content-Type", "application/json"), (ServeHeaders.modelVersion.rawName, String(scored.version))]),
                                          body: ByteBuffer(string: scored.json))
            } catch {
                answer = error.answer
            }
            metrics.record(status: Int(answer.status.code), seconds: (ContinuousClock.now - started).inSeconds)
            return answer
        })
    }
}
