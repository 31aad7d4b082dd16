import DeckTestSupport
import Foundation
import XCTest

/// `mldeck server` answers the logging calls in the channel pipeline (`FastRoute`), each once its
/// group commit has committed: the router gives the same answers, and requests sent back to back
/// on one connection are answered in order, a read after a write seeing that write.
final class MLflowServerFastRouteEndToEndTests: XCTestCase {
    /// `mldeck server` in a new workspace, and the id of a run created through it.
    func startServerWithARun() throws -> (ServeProcess, String) {
        let server = try ServeProcess([], in: try CLI.makeWorkspace(), command: "server")
        let created = try Curl.post(server.address + "/api/2.0/mlflow/runs/create", json: ["experiment_id": "0"])
        guard let runID = ((created.json?["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String else {
            server.stop()
            throw NSError(domain: "server", code: 1, userInfo: [NSLocalizedDescriptionKey: "runs/create answered \(created.status): \(created.body)"])
        }
        return (server, runID)
    }

    func testLoggingCallsAnswerTheSameThroughThePipelineAndTheRouter() throws {
        let (server, runID) = try startServerWithARun()
        defer { server.stop() }
        let api = server.address + "/api/2.0/mlflow/"
        let chunked = ["Transfer-Encoding: chunked"]  // no Content-Length: the router answers it
        let missing = String(repeating: "0", count: 32)
        let calls: [(String, String)] = [
            ("runs/log-metric", #"{"run_id": "\#(runID)", "key": "loss", "value": 0.5, "timestamp": 1, "step": 0}"#),
            ("runs/log-parameter", #"{"run_id": "\#(runID)", "key": "lr", "value": "0.1"}"#),
            ("runs/log-parameter", #"{"run_id": "\#(runID)", "key": "lr", "value": "0.2"}"#),
            ("runs/set-tag", #"{"run_id": "\#(runID)", "key": "team", "value": "x"}"#),
            ("runs/log-batch", #"{"run_id": "\#(runID)", "metrics": [{"key": "acc", "value": 0.9, "timestamp": 1, "step": 0}]}"#),
            ("runs/log-metric", #"{"run_id": "\#(missing)", "key": "loss", "value": 0.5, "timestamp": 1}"#),
            ("runs/log-metric", #"{"run_id": "\#(runID)", "key": "loss"}"#),
            ("runs/log-metric", #"{"run_id": "#),
        ]
        for (endpoint, body) in calls {
            let fast = try Curl.request(api + endpoint, method: "POST", body: Data(body.utf8))
            let routed = try Curl.request(api + endpoint, method: "POST", body: Data(body.utf8), headers: chunked)
            XCTAssertEqual(fast.status, routed.status, "\(endpoint) \(body)")
            XCTAssertEqual(fast.body, routed.body, "\(endpoint) \(body)")
            XCTAssertEqual(fast.headers["content-type"], routed.headers["content-type"], endpoint)
        }
        XCTAssertEqual(try Curl.request(api + "runs/log-parameter", method: "POST", body: Data(calls[2].1.utf8)).status, 400)
        // Both paths stored their points: two of each step-0 metric.
        let history = try Curl.request(api + "metrics/get-history?run_id=\(runID)&metric_key=loss")
        XCTAssertEqual((history.json?["metrics"] as? [[String: Any]])?.count, 2, history.body)
    }

    func testPipelinedLoggingCallsAreAnsweredInOrderAndAReadSeesTheWritesBeforeIt() throws {
        let (server, runID) = try startServerWithARun()
        defer { server.stop() }
        let port = try XCTUnwrap(server.address.split(separator: ":").last.flatMap { Int($0) })
        func logMetric(_ step: Int) -> String {
            let body = #"{"run_id": "\#(runID)", "key": "loss", "value": \#(step), "timestamp": 1, "step": \#(step)}"#
            return "POST /api/2.0/mlflow/runs/log-metric HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        let history = "GET /api/2.0/mlflow/metrics/get-history?run_id=\(runID)&metric_key=loss HTTP/1.1\r\nHost: x\r\n\r\n"
        let requests = (0..<5).map(logMetric) + [history] + (5..<8).map(logMetric) + [history]
        let answers = try RawHTTP.exchange(port: port, send: requests.joined(), answers: requests.count)
        guard answers.count == requests.count else { return XCTFail("\(answers.count) answers of \(requests.count): \(answers)") }
        XCTAssertTrue(answers.allSatisfy { $0.hasPrefix("HTTP/1.1 200") }, "\(answers)")
        func steps(_ answer: String) -> [Int] {
            guard let start = answer.range(of: "\r\n\r\n")?.upperBound,
                  let json = try? JSONSerialization.jsonObject(with: Data(answer[start...].utf8)) as? [String: Any] else { return [] }
            return ((json["metrics"] as? [[String: Any]]) ?? []).compactMap { $0["step"] as? Int }.sorted()
        }
        XCTAssertEqual(steps(answers[5]), Array(0..<5), answers[5])
        XCTAssertEqual(steps(answers[9]), Array(0..<8), answers[9])
        XCTAssertTrue(answers.enumerated().filter { $0.offset != 5 && $0.offset != 9 }.allSatisfy { $0.element.hasSuffix("{}") }, "\(answers)")
    }
}
