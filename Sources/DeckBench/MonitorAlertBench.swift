import DeckEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The alert-latency figure of `mldeck bench monitor`: `mldeck serve` and `mldeck agent` run as
/// processes of their own on the bench's churn workspace (``ServeBenchWorkspace``) with a monitor
/// of the last 200 predictions (default tests and thresholds).
/// Each round sends a clean window (meant to resolve the previous round's alert, which a 200-row
/// window does not always do at the default thresholds: one round by default), then a drifted
/// window of 200 rows (the demo's `promotion` customers) in one request; the clock starts when
/// that request's HTTP response arrives and stops when a new open drift alert shows in
/// `mldeck alerts list --json` (run back to back, each run's own start-up included).
enum MonitorAlertBench {
    static let window = 200

    static func run(in directory: String, rounds: Int, log: (String) -> Void) throws -> [BenchFigure] {
        log("alert latency: training the churn model, then starting mldeck serve and mldeck agent…")
        let root = try ServeBenchWorkspace.make(in: directory)
        let config = root.appendingPathComponent("mldeck.yaml")
        let yaml = try String(contentsOf: config, encoding: .utf8)
        try (yaml + "monitors:\n  churn-model: {window: \(window), min_rows: \(window)}\n").write(to: config, atomically: true, encoding: .utf8)
        func body(_ customers: [ChurnDataGenerator.Customer]) throws -> String {
            try ServeBenchWorkspace.bodies(csv: ChurnDataGenerator.csv(customers), sizes: [customers.count])[0].1
        }
        let generator = ChurnDataGenerator(seed: 99)
        let server = try ServeBenchServer(workspace: root)
        defer { server.stop() }
        let agent = try AgentProcess(workspace: root)
        defer { agent.stop() }
        var latencies: [Double] = []
        var seen = try openDriftAlerts(root).max() ?? 0
        for round in 0..<rounds {
            let base = 100_000 * (round + 1)
            // A clean window first (it resolves the previous round's alert), then the drifted one.
            try post(server.address, try body(generator.customers(base..<(base + window))), root: root)
            try waitUntil("the clean window resolves the alert", timeout: 60) { try openDriftAlerts(root).isEmpty }
            try post(server.address, try body(generator.customers((base + 1000)..<(base + 1000 + window), drift: .promotion)), root: root)
            let start = BenchClock.now()
            var found = false
            while BenchClock.now() - start < 60 {
                if let newest = try openDriftAlerts(root).max(), newest > seen { seen = newest; found = true; break }
            }
            guard found else { throw ServeBenchError("no drift alert within 60 s of the window's last prediction (agent: \(agent.output.suffix(400)))") }
            latencies.append(BenchClock.now() - start)
            log("round \(round + 1): alert visible \(String(format: "%.3f", latencies.last!)) s after the last prediction's response")
        }
        return [BenchFigure(suite: "monitor", name: "alert_latency_s", value: BenchClock.median(latencies), unit: "s", target: 1, better: .lower,
                            note: "median of \(rounds); serve and agent (default --interval 1) as separate processes; from the HTTP response of "
                                + "the request that completes a drifted \(window)-row window to the alert in `mldeck alerts list --json` (polled back to back); "
                                + "all: " + latencies.map { String(format: "%.2f", $0) }.joined(separator: ", "))]
    }

    /// POSTs a `dataframe_split` body to `/invocations` and waits for the answer.
    static func post(_ address: String, _ body: String, root: URL) throws {
        let file = root.appendingPathComponent("bench-body.json")
        try body.write(to: file, atomically: true, encoding: .utf8)
        let answer = try ServeBenchWrk.capture(["curl", "-s", "--max-time", "30", "-H", "Content-Type: application/json",
                                                "--data-binary", "@" + file.path, address + "/invocations"])
        guard answer.contains("\"predictions\"") else { throw ServeBenchError("the endpoint did not answer: \(answer.prefix(300))") }
    }

    /// Ids of the open drift alerts, as `mldeck alerts list --json` shows them.
    static func openDriftAlerts(_ root: URL) throws -> [Int64] {
        let text = try ServeBenchWrk.capture([BenchClock.executablePath, "alerts", "list", "--open", "--json", "--workspace", root.path])
        guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw ServeBenchError("mldeck alerts list --json printed no list: \(text.prefix(300))")
        }
        return list.filter { $0["kind"] as? String == "drift" }.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    static func waitUntil(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
        let deadline = BenchClock.now() + timeout
        while BenchClock.now() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ServeBenchError("timed out after \(Int(timeout)) s waiting until \(what)")
    }
}

/// `mldeck agent` in a process of its own.
final class AgentProcess: @unchecked Sendable {
    let child: ChildProcess
    private let text = LockedText()
    var output: String { text.text }

    init(workspace: URL) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["OMP_WAIT_POLICY"] = "passive"
        child = try ChildProcess(arguments: [BenchClock.executablePath, "agent", "--workspace", workspace.path],
                                 environment: environment, directory: workspace.path)
        let child = self.child, text = self.text
        Thread.detachNewThread { child.drainOutput { text.append(String(decoding: $0, as: UTF8.self)) } }
    }

    func stop() {
        kill(child.pid, SIGTERM)
        _ = child.wait()
    }
}
