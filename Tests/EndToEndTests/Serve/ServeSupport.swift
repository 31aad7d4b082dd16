import Foundation
import XCTest

/// A running `mldeck serve` started by a test: its address (from the line it prints once
/// listening) and what it wrote.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var out = Data(), err = Data()
    private(set) var address = ""

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    /// Starts `mldeck serve ARGS --port 0` in `workspace` and waits until it listens.
    init(_ arguments: [String], in workspace: URL, environment: [String: String] = [:], port: Bool = true, command: String = "serve") throws {
        process = CLI.start([command] + arguments + (port ? ["--port", "0"] : []), in: workspace, environment: environment)
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self else { return }
            self.lock.lock(); self.out.append(d); self.lock.unlock()
        }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            guard let self else { return }
            self.lock.lock(); self.err.append(d); self.lock.unlock()
        }
        try process.run()
        _ = CLI.waitFor(120) { stdout.contains(" on http://") || !process.isRunning }
        guard let range = stdout.range(of: " on http://") else {
            throw NSError(domain: "serve", code: 1, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(stdout) \(stderr)"])
        }
        address = "http://" + stdout[range.upperBound...].prefix { !$0.isWhitespace }
    }

    /// Sends `signal` and waits for the exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: Double = 60) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        _ = CLI.waitFor(timeout) { !process.isRunning }
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// An HTTP answer as curl got it.
struct HTTPAnswer {
    var status: Int
    var headers: [String: String]
    var body: String
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] }
}

/// Requests through `curl`, as a user would make them.
enum Curl {
    static func request(_ url: String, method: String = "GET", body: Data? = nil, contentType: String = "application/json",
                        headers: [String] = [], extra: [String] = []) throws -> HTTPAnswer {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var args = ["-s", "-S", "-X", method, "-D", dir.appendingPathComponent("h").path, "-o", dir.appendingPathComponent("b").path,
                    "-w", "%{http_code}", "--max-time", "60"]
        if let body {
            try body.write(to: dir.appendingPathComponent("in"))
            args += ["-H", "Content-Type: \(contentType)", "--data-binary", "@" + dir.appendingPathComponent("in").path]
        }
        for h in headers { args += ["-H", h] }
        args += extra + [url]
        let result = try PythonEnvironment.run("/usr/bin/curl", args)
        guard result.status == 0, let status = Int(result.stdout.trimmingCharacters(in: .whitespaces)) else {
            throw NSError(domain: "curl", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: "curl failed: \(result.stderr)"])
        }
        var fields: [String: String] = [:]
        let head = (try? String(contentsOf: dir.appendingPathComponent("h"), encoding: .utf8)) ?? ""
        for line in head.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let text = (try? String(contentsOf: dir.appendingPathComponent("b"), encoding: .utf8)) ?? ""
        return HTTPAnswer(status: status, headers: fields, body: text)
    }

    static func post(_ url: String, json: Any, headers: [String] = []) throws -> HTTPAnswer {
        try request(url, method: "POST", body: try JSONSerialization.data(withJSONObject: json), headers: headers)
    }
}

/// A trained `shop-churn` model (two versions, `production` on version 1) in a new workspace.
enum ServeFixture {
    static let yaml = """
        pipelines:
          churned:
            dataset: shop.csv
            steps:
              prepare:  {uses: split, with: {target: churned, exclude: [tier, spend], id: customer_id, positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 30, max_depth: 4, eta: 0.3}}
              register: {uses: register, needs: [train], with: {model: shop-churn}}
          churned-small:
            dataset: shop.csv
            steps:
              prepare:  {uses: split, with: {target: churned, exclude: [tier, spend], id: customer_id, positive: "yes"}}
              train:    {uses: xgboost, needs: [prepare], with: {rounds: 8, max_depth: 2, eta: 0.3}}
              register: {uses: register, needs: [train], with: {model: shop-churn}}
        """

    /// A workspace with `shop-churn@1` (and `@2` when `versions` is 2), `production` → 1, and
    /// `score.csv` (rows to score, with the id column and the targets).
    static func workspace(versions: Int = 1) throws -> URL {
        let workspace = try CLI.makeWorkspace()
        try yaml.write(to: workspace.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
        try ShopData.csv(rows: 700, seed: 1).write(to: workspace.appendingPathComponent("shop.csv"), atomically: true, encoding: .utf8)
        try ShopData.csv(rows: 60, seed: 2).write(to: workspace.appendingPathComponent("score.csv"), atomically: true, encoding: .utf8)
        for pipeline in ["churned", "churned-small"].prefix(versions) {
            let run = try CLI.run(["run", pipeline, "--quiet"], in: workspace)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let promote = try CLI.run(["models", "promote", "shop-churn", "1", "--alias", "production"], in: workspace)
        XCTAssertEqual(promote.status, 0, promote.stderr)
        return workspace
    }

    /// The rows of a ShopData CSV as (header, rows of cells; nil for an empty cell).
    static func rows(_ csv: String) -> (header: [String], rows: [[String?]]) {
        var lines = csv.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return (header, lines.map { line in
            var cells: [String?] = [], cell = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle(); continue }
                if c == "," && !quoted { cells.append(cell.isEmpty ? nil : cell); cell = ""; continue }
                cell.append(c)
            }
            cells.append(cell.isEmpty ? nil : cell)
            return cells
        })
    }
}
