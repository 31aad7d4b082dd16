import Foundation
import XCTest

/// `POST /invocations` is answered in the channel pipeline (`FastRoute`) unless the request
/// needs the router (chunked body, wrong token, …): both paths must give the same answer, and
/// requests sent back to back on one connection (HTTP/1.1 pipelining) must be answered in order
/// whichever path answers each.
final class ServeFastRouteEndToEndTests: XCTestCase {
    var workspace: URL!
    var server: ServeProcess?

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try ServeFixture.workspace()
    }

    override func tearDownWithError() throws {
        server?.stop(SIGKILL)
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    static let row = #"{"dataframe_records": [{"customer_id": "C1", "age": 41, "income": 52000.5, "member": true, "joined": "2021-03-04", "plan": "basic", "city": "city-01", "coupon": "x"}]}"#

    /// The answer without its server-made prediction ids, which differ on every request.
    func withoutPredictionIDs(_ answer: HTTPAnswer) -> [String: Any]? {
        var json = answer.json
        json?["prediction_ids"] = nil
        return json
    }

    func testTheRouterAndThePipelineGiveTheSameAnswers() throws {
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let url = try XCTUnwrap(server?.address) + "/invocations"
        let chunked = ["Transfer-Encoding: chunked"]  // no Content-Length: the router answers it
        for body in [Self.row, #"{"rows": []}"#, #"{"dataframe_records": [{"age": "abc"}]}"#, "{"] {
            let fast = try Curl.request(url, method: "POST", body: Data(body.utf8))
            let routed = try Curl.request(url, method: "POST", body: Data(body.utf8), headers: chunked)
            XCTAssertEqual(fast.status, routed.status, body)
            for header in ["content-type", "x-model-version", "server"] {
                XCTAssertEqual(fast.headers[header], routed.headers[header], "\(header) for \(body)")
            }
            XCTAssertNotNil(fast.headers["date"])
            XCTAssertEqual(withoutPredictionIDs(fast).map { NSDictionary(dictionary: $0) }, withoutPredictionIDs(routed).map { NSDictionary(dictionary: $0) },
                           "\(body): \(fast.body) against \(routed.body)")
        }
        let metrics = try Curl.request(try XCTUnwrap(server?.address) + "/metrics").body
        XCTAssertTrue(metrics.contains("mldeck_serve_requests_total{status=\"200\"} 2"), metrics)
        XCTAssertTrue(metrics.contains("mldeck_serve_requests_total{status=\"400\"} 6"), metrics)
    }

    func testPipelinedRequestsAreAnsweredInOrderWhicheverPathAnswersThem() throws {
        server = try ServeProcess(["shop-churn@production"], in: workspace)
        let port = try XCTUnwrap(server?.address.split(separator: ":").last.flatMap { Int($0) })
        func post(_ path: String) -> String {
            "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(Self.row.utf8.count)\r\n\r\n\(Self.row)"
        }
        let get = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n" }
        // Router first (the scoring requests behind it must wait for it), then the pipeline first.
        let requests = [get("/version"), post("/invocations"), get("/health"), post("/predict"), post("/invocations"), get("/version")]
        let answers = try RawHTTP.exchange(port: port, send: requests.joined(), answers: requests.count)
        XCTAssertEqual(answers.count, requests.count)
        let kinds = answers.map { answer -> String in
            if answer.contains("\"predictions\"") { return "score" }
            if answer.contains("\"since\"") { return "version" }
            if answer.contains("\"status\":\"ok\"") { return "health" }
            return "other: \(answer)"
        }
        XCTAssertEqual(kinds, ["version", "score", "health", "score", "score", "version"])
        XCTAssertTrue(answers.allSatisfy { $0.hasPrefix("HTTP/1.1 200") }, "\(answers)")
    }

    /// The idle limit (2 s here) closes a connection nothing is sent on, whichever path answered
    /// its requests, and never one that keeps sending, though the pipeline answers every request.
    func testTheIdleLimitClosesQuietConnectionsAndNotBusyOnes() throws {
        server = try ServeProcess(["shop-churn@production"], in: workspace, environment: ["MLDECK_HTTP_IDLE_TIMEOUT": "2"])
        let port = try XCTUnwrap(server?.address.split(separator: ":").last.flatMap { Int($0) })
        let post = "POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(Self.row.utf8.count)\r\n\r\n\(Self.row)"
        let busy = try RawHTTP(port: port)
        let started = Date()
        var sent = 0, answered = 0
        while Date().timeIntervalSince(started) < 5 {   // 2.5 limits' worth of requests, 0.4 s apart
            try busy.send(post)
            sent += 1
            answered += busy.receive(answers: 1).filter { $0.hasPrefix("HTTP/1.1 200") }.count
            Thread.sleep(forTimeInterval: 0.4)
        }
        // The connection outlived 2 limits; how many requests fit in 5 s depends on the machine's load.
        XCTAssertEqual(answered, sent, "every request on the busy connection is answered")
        XCTAssertGreaterThanOrEqual(sent, 5, "requests kept coming for 5 s")
        XCTAssertTrue(busy.closedByServer(within: 4), "then, quiet for more than the limit, it is closed")

        for request in [post, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"] {   // the pipeline's answer, the router's
            let quiet = try RawHTTP(port: port)
            try quiet.send(request)
            XCTAssertEqual(quiet.receive(answers: 1).count, 1)
            let waited = Date()
            XCTAssertTrue(quiet.closedByServer(within: 6), request)
            XCTAssertGreaterThan(Date().timeIntervalSince(waited), 1.5, "not before the limit: \(request)")
        }
        let silent = try RawHTTP(port: port)   // a connection that never sends a whole head
        try silent.send("POST /invocations HTTP/1.1\r\nHost: x\r\n")
        XCTAssertTrue(silent.closedByServer(within: 6))
    }

    func testAWrongTokenIsTheRoutersRefusalAndTheRightOneIsScoredInThePipeline() throws {
        let token = "s3cret-token-0123456789"
        server = try ServeProcess(["shop-churn@production", "--token", token], in: workspace)
        let url = try XCTUnwrap(server?.address) + "/invocations"
        let refused = try Curl.request(url, method: "POST", body: Data(Self.row.utf8), headers: ["Authorization: Bearer nope"])
        XCTAssertEqual(refused.status, 401, refused.body)
        XCTAssertEqual(refused.headers["www-authenticate"], "Bearer")
        XCTAssertEqual(try Curl.request(url, method: "POST", body: Data(Self.row.utf8)).status, 401)
        let scored = try Curl.request(url, method: "POST", body: Data(Self.row.utf8), headers: ["Authorization: Bearer \(token)"])
        XCTAssertEqual(scored.status, 200, scored.body)
        XCTAssertNotNil(scored.json?["predictions"])
    }
}

/// One TCP connection written by hand: requests written as given, answers read back whole.
final class RawHTTP {
    let fd: Int32
    private var received = [UInt8]()

    init(port: Int, timeout: Double = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        setTimeout(timeout)
    }

    deinit { close(fd) }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        // MSG_NOSIGNAL: a connection the server closed is an error here, not a SIGPIPE.
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// Up to `count` answers (fewer when the connection ends or the timeout passes first).
    func receive(answers count: Int) -> [String] {
        var answers: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while answers.count < count {
            if let (answer, used) = Self.firstAnswer(in: received) {
                answers.append(answer)
                received.removeFirst(used)
                continue
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            received += buffer[0..<n]
        }
        return answers
    }

    /// Whether the server closes the connection (a read sees its end) within `seconds`.
    func closedByServer(within seconds: Double) -> Bool {
        setTimeout(seconds)
        var byte: UInt8 = 0
        return read(fd, &byte, 1) == 0
    }

    static func exchange(port: Int, send: String, answers count: Int, timeout: Double = 30) throws -> [String] {
        let connection = try RawHTTP(port: port, timeout: timeout)
        try connection.send(send)
        return connection.receive(answers: count)
    }

    /// The first whole answer (head and `Content-Length` bytes of body) and its length in bytes.
    static func firstAnswer(in bytes: [UInt8]) -> (String, Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard bytes.count >= 4, let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self)
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let total = end + 4 + length
        guard bytes.count >= total else { return nil }
        return (String(decoding: bytes[0..<total], as: UTF8.self), total)
    }
}
