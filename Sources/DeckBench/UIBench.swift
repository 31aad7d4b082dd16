import DeckML
import DeckStore
import DeckTUI
import Foundation

/// `mldeck bench ui`: the dashboard's figures on a workspace of 100,000 runs and 1,000,000
/// metric points.
///
/// - process start to first full frame (rows loaded) and peak memory: `mldeck dashboard
///   --headless 120x35` as a child process (it renders into memory and exits), median of 5;
/// - keystroke to echoed frame (move, page, typing into the filter), p99, in process through
///   the in-memory backend: key → reducer → tick → render → present;
/// - keystroke to results visible after a sort or a filter over all runs, p99: from the key
///   until the new first page is on the canvas (queries run off the UI thread);
/// - when tmux is installed, the real terminal: the dashboard in tmux with `MLDECK_FRAME_LOG`,
///   keys sent, key-to-frame p99 read from the log.
///
/// Reference: MLflow's web UI takes minutes to list 500 runs (mlflow#1517).
struct UIBench: BenchSuite {
    let name = "ui"
    static let mlflow = "MLflow web UI listing 500 runs takes minutes (mlflow#1517)"
    var runCount = 100_000
    var pointsPerRun = 10

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("runs-100k")
        let store: DeckStore
        // A workspace kept from an earlier `--keep DIR` run is reused when complete.
        if let kept = try? DeckStore.open(Workspace(root: root)), (try? kept.countRuns(RunQuery())) == runCount {
            store = kept
            log("reusing the \(runCount)-run workspace in \(root.path)")
        } else {
            try? FileManager.default.removeItem(at: root)
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            store = try DeckStore.open(try Workspace.create(at: root))
            log("building \(runCount) runs with \(runCount * pointsPerRun) metric points…")
            let buildSeconds = try BenchClock.time { try populate(store) }
            log(String(format: "built in %.1f s", buildSeconds))
        }
        var figures: [BenchFigure] = []

        // 1. Process start to first full frame, and memory.
        log("timing process start to first full frame (headless, 5 times)…")
        let exe = BenchClock.executablePath
        let first = [exe, "dashboard", "--workspace", root.path, "--headless", "120x35"]
        _ = try BenchClock.runProcess(first)
        var starts: [Double] = []
        var peak: Int64 = 0
        for _ in 0..<5 {
            let r = try BenchClock.runProcess(first)
            starts.append(r.seconds); peak = max(peak, r.peakBytes)
        }
        figures.append(BenchFigure(suite: name, name: "first_frame_100k_ms", value: BenchClock.median(starts) * 1000, unit: "ms",
                                   target: 150, better: .lower, reference: Self.mlflow,
                                   note: "process start → first page of 100,000 runs rendered (in memory) → exit; median of 5"))
        let browse = first + ["--keys", "G,g,pgdn,pgdn,/,text:metrics.auc > 0.9,enter,S,S,esc"]
        let browsed = try BenchClock.runProcess(browse)
        peak = max(peak, browsed.peakBytes)
        figures.append(BenchFigure(suite: name, name: "dashboard_peak_memory_mb", value: Double(peak) / 1_048_576, unit: "MB",
                                   target: 200, better: .lower, note: "peak RSS: open, jump to the end, page, filter, sort both ways"))

        // 2. Keystrokes through the in-memory backend.
        log("timing keystrokes through the in-memory backend…")
        let (found, notes) = try MainActor.assumeIsolated { try inProcessFigures(store: store) }
        figures += found
        notes.forEach(log)

        // 3. The real terminal, when tmux is here.
        if let f = try terminalFigure(workspace: root, log: log) { figures.append(f) }
        return figures
    }

    /// 100,000 runs: params (max_depth, eta, optimizer, seed), a train-loss curve of 8 steps and
    /// final auc and accuracy (10 points per run), created in batches of 5,000.
    func populate(_ store: DeckStore) throws {
        var g = SplitMix64(seed: 7)
        let optimizers = ["adam", "sgd", "rmsprop", "adagrad"]
        let start = Date().timeIntervalSince1970 - Double(runCount) * 30
        for batchStart in stride(from: 0, to: runCount, by: 5_000) {
            var starts: [RunStart] = []
            starts.reserveCapacity(5_000)
            for i in batchStart..<min(runCount, batchStart + 5_000) {
                let t = start + Double(i) * 30
                let quality = g.nextUnit()
                var points: [MetricPoint] = []
                points.reserveCapacity(pointsPerRun)
                for step in 0..<(pointsPerRun - 2) {
                    points.append(MetricPoint(key: "train-loss", value: 0.7 * exp(-Double(step) * (0.1 + quality * 0.3)) + 0.05 * g.nextUnit(),
                                              step: Int64(step), timestamp: t + Double(step)))
                }
                points.append(MetricPoint(key: "auc", value: 0.6 + 0.35 * quality, step: 7, timestamp: t + 8))
                points.append(MetricPoint(key: "accuracy", value: 0.55 + 0.4 * quality * g.nextUnit(), step: 7, timestamp: t + 8))
                starts.append(RunStart(name: "run-\(i)", experiment: i % 10 == 0 ? "baseline" : "sweep",
                                       status: i % 97 == 0 ? .failed : .finished, pipeline: "train",
                                       params: ["max_depth": String(3 + g.next() % 8), "eta": ["0.01", "0.05", "0.1", "0.3"][Int(g.next() % 4)],
                                                "optimizer": optimizers[Int(g.next() % 4)], "seed": String(i % 5)],
                                       owner: nil, startTime: t, metrics: points))
            }
            _ = try store.createRuns(starts)
        }
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return .nan }
        return s[min(s.count - 1, max(0, Int((p * Double(s.count)).rounded(.up)) - 1))]
    }

    @MainActor
    func inProcessFigures(store: DeckStore) throws -> ([BenchFigure], [String]) {
        var notes: [String] = []
        func log(_ s: String) { notes.append(s) }
        var options = Dashboard.Options()
        options.rememberSettings = false
        let dashboard = Dashboard(store: store, options: options)
        let size = Size(width: 120, height: 35)
        dashboard.app.size = size
        let backend = MemoryBackend(size: size)
        let canvas = Canvas(size: size)
        HeadlessDashboard.settle(dashboard, canvas: canvas)
        let source = dashboard.runs.source
        func frame() {
            dashboard.tick()
            let cursor = dashboard.app.render(into: canvas)
            backend.present(canvas, cursor: cursor)
        }
        func timeKey(_ key: Key) -> Double {
            let t0 = BenchClock.now()
            dashboard.app.send(key)
            frame()
            return (BenchClock.now() - t0) * 1000
        }
        func waitLoaded(timeout: Double = 10) {
            let t0 = BenchClock.now()
            while BenchClock.now() - t0 < timeout {
                frame()
                if !source.isLoading && source.hasLoaded { return }
                usleep(500)
            }
        }
        var figures: [BenchFigure] = []
        // Move.
        var move: [Double] = []
        for i in 0..<300 { move.append(timeKey(i % 60 < 30 ? .char("j") : .char("k"))) }
        // Page (rows of pages not loaded yet show placeholders until they arrive).
        var page: [Double] = []
        for i in 0..<100 { page.append(timeKey(i % 10 < 5 ? .pageDown : .pageUp)); if i % 10 == 9 { waitLoaded() } }
        waitLoaded()
        dashboard.app.send(.char("g")); waitLoaded()
        // Typing into the filter (each key starts a query off the UI thread).
        var typing: [Double] = []
        for _ in 0..<3 {
            typing.append(timeKey(.char("/")))
            for c in "metrics.auc > 0.75 and params.optimizer = 'adam'" { typing.append(timeKey(.char(c))) }
            typing.append(timeKey(.enter))
            waitLoaded()
            dashboard.app.send(.escape); waitLoaded()
        }
        figures.append(BenchFigure(suite: name, name: "key_to_frame_move_p99_ms", value: Self.percentile(move, 0.99), unit: "ms",
                                   target: 16, better: .lower, note: "j/k on 100,000 runs, in-memory backend, 300 keys"))
        figures.append(BenchFigure(suite: name, name: "key_to_frame_page_p99_ms", value: Self.percentile(page, 0.99), unit: "ms",
                                   target: 16, better: .lower, note: "PgDn/PgUp, 100 keys; rows of a page not loaded yet show … until it arrives"))
        figures.append(BenchFigure(suite: name, name: "key_to_frame_filter_typing_p99_ms", value: Self.percentile(typing, 0.99), unit: "ms",
                                   target: 16, better: .lower, note: "typing a 48-character filter 3 times; queries run off the UI thread"))
        log(String(format: "move p99 %.2f ms, page p99 %.2f ms, typing p99 %.2f ms", Self.percentile(move, 0.99), Self.percentile(page, 0.99), Self.percentile(typing, 0.99)))

        // Sort and filter: key to results visible.
        var results: [Double] = []
        var labels: [String] = []
        let pane = dashboard.runs
        let sorts: [(RunColumn, Bool)] = [(.metric("auc"), true), (.metric("auc"), false), (.param("max_depth"), false),
                                          (.name, false), (.duration, true), (.metric("accuracy"), true)]
        for round in 0..<3 {
            for (col, desc) in sorts {
                let t0 = BenchClock.now()
                pane.setSort(col, descending: desc)
                frame()
                waitLoaded()
                results.append((BenchClock.now() - t0) * 1000)
                labels.append("sort \(col) \(desc ? "desc" : "asc")")
            }
            for filter in ["metrics.auc > 0.9", "params.optimizer = 'sgd' and metrics.accuracy < 0.6", "status = 'FAILED'",
                           "name LIKE 'run-1%'"] {
                let t0 = BenchClock.now()
                dashboard.app.send(.char("/"))
                for c in filter { dashboard.app.send(.char(c)) }
                dashboard.app.send(.enter)
                frame()
                waitLoaded()
                results.append((BenchClock.now() - t0) * 1000)
                labels.append("filter \(filter)")
                dashboard.app.send(.escape); waitLoaded()
            }
            _ = round
        }
        pane.setSort(.start, descending: true); waitLoaded()
        figures.append(BenchFigure(suite: name, name: "sort_filter_results_p99_ms", value: Self.percentile(results, 0.99), unit: "ms",
                                   target: 150, better: .lower, reference: Self.mlflow,
                                   note: "key → first page of the re-sorted / re-filtered 100,000 runs on screen; \(results.count) operations"))
        log(String(format: "sort/filter p99 %.1f ms (median %.1f)", Self.percentile(results, 0.99), BenchClock.median(results)))
        for (label, ms) in zip(labels, results).sorted(by: { $0.1 > $1.1 }).prefix(6) { log(String(format: "  %7.1f ms  %@", ms, label)) }
        return (figures, notes)
    }

    /// Key-to-frame p99 in a real terminal (tmux), from the dashboard's own frame log.
    func terminalFigure(workspace: URL, log: (String) -> Void) throws -> BenchFigure? {
        let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tmux else { log("tmux not found: skipping the real-terminal figure"); return nil }
        log("timing frames in a real terminal (tmux, MLDECK_FRAME_LOG)…")
        let socket = "mldeck-bench-\(getpid())"
        let frameLog = workspace.appendingPathComponent("frames.log").path
        func t(_ args: [String]) { _ = try? BenchClock.runProcess([tmux, "-L", socket] + args) }
        let cmd = "env LANG=C.UTF-8 TERM=xterm-256color MLDECK_FRAME_LOG='\(frameLog)' SWIFT_BACKTRACE=interactive=no '\(BenchClock.executablePath)' --workspace '\(workspace.path)'"
        t(["-f", "/dev/null", "new-session", "-d", "-s", "b", "-x", "120", "-y", "35", cmd])
        defer { t(["kill-server"]) }
        usleep(1_500_000)
        for i in 0..<120 {
            t(["send-keys", "-t", "b", i % 40 < 20 ? "j" : "k"])
            usleep(20_000)
        }
        for c in ["/", "m", "e", "t", "r", "i", "c", "s", ".", "a", "u", "c", " ", ">", " ", "0", ".", "8", "Enter"] {
            t(["send-keys", "-t", "b", c]); usleep(30_000)
        }
        usleep(500_000)
        t(["send-keys", "-t", "b", "q"])
        usleep(300_000)
        guard let text = try? String(contentsOfFile: frameLog, encoding: .utf8) else { return nil }
        let keyed = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> Double? in
            let f = line.split(separator: " ")
            return f.count > 2 ? Double(f[1]) : nil
        }
        guard !keyed.isEmpty else { return nil }
        return BenchFigure(suite: name, name: "terminal_key_to_frame_p99_ms", value: Self.percentile(keyed, 0.99), unit: "ms",
                           target: 16, better: .lower, note: "ncurses in tmux 120×35, \(keyed.count) keyed frames from MLDECK_FRAME_LOG")
    }
}
