import DeckEngine
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Shows a pipeline run's progress: on a terminal a block of lines redrawn in place (step states,
/// a bar for training rounds, elapsed time); otherwise one plain line per event.
final class RunProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let live: Bool
    private let quiet: Bool
    private var steps: [String] = []
    private var state: [String: (status: StepStatus?, detail: String)] = [:]
    private var progress: [String: (Int, Int)] = [:]
    private var runID = ""
    private var pipeline = ""
    private var started = Date().timeIntervalSince1970
    private var drawnLines = 0
    private var lastDraw = 0.0
    private var timer: DispatchSourceTimer?

    init(live: Bool, quiet: Bool) {
        self.live = live && !quiet
        self.quiet = quiet
    }

    /// True when standard output is a terminal.
    static var stdoutIsTerminal: Bool { isatty(1) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb" }

    func handle(_ event: PipelineEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case .runStarted(let id, let name, let names):
            runID = id; pipeline = name; steps = names; started = Date().timeIntervalSince1970
            for n in names { state[n] = (nil, "") }
            if live {
                startTimer()
            } else if !quiet {
                print("run \(id.prefix(8)) \(name): \(names.joined(separator: " → "))")
            }
        case .notice(let step, let message):
            if !quiet { emitLine("  note: " + (step.map { "\($0): " } ?? "") + message) }
        case .stepStarted(let step):
            state[step] = (.running, "")
            if !live && !quiet { print("  \(step): started") }
        case .progress(let step, let done, let total):
            progress[step] = (done, total)
        case .stepFinished(let step, let status, let cacheHit, let duration, let reason):
            state[step] = (status, reason ?? "")
            progress[step] = nil
            if !live && !quiet {
                print("  \(step): \(status.rawValue)\(cacheHit && status != .cached ? " (cache)" : "") \(Formatting.duration(duration))\(reason.map { " — \($0)" } ?? "")")
            }
        case .log, .metric:
            break
        case .runFinished:
            timer?.cancel(); timer = nil
        }
        if live { drawLocked(force: false) }
    }

    /// Prints a line above the live block (or plainly).
    private func emitLine(_ line: String) {
        if live {
            clearLocked()
            print(line)
            drawLocked(force: true)
        } else {
            print(line)
        }
    }

    private func startTimer() {
        let t = DispatchSource.makeTimerSource(queue: .global())
        t.schedule(deadline: .now() + 0.1, repeating: 0.1)
        t.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock(); self.drawLocked(force: true); self.lock.unlock()
        }
        t.resume()
        timer = t
    }

    private func clearLocked() {
        guard drawnLines > 0 else { return }
        var out = ""
        for _ in 0..<drawnLines { out += "\u{1B}[1A\u{1B}[2K" }
        FileHandle.standardOutput.write(Data(out.utf8))
        drawnLines = 0
    }

    private func drawLocked(force: Bool) {
        let now = Date().timeIntervalSince1970
        if !force && now - lastDraw < 0.05 { return }
        lastDraw = now
        var lines = ["run \(runID.prefix(8)) \(pipeline)  \(Formatting.duration(now - started))"]
        for name in steps {
            let (status, detail) = state[name] ?? (nil, "")
            let symbol: String
            switch status {
            case nil, .pending?: symbol = "·"
            case .running?: symbol = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"][Int(now * 10) % 10]
            case .finished?: symbol = "✓"
            case .cached?: symbol = "✓"
            case .skipped?: symbol = "–"
            case .failed?: symbol = "✗"
            case .killed?: symbol = "■"
            }
            var line = "  \(symbol) \(name.padding(toLength: max(name.count, 10), withPad: " ", startingAt: 0)) \(status?.rawValue.lowercased() ?? "waiting")"
            if let (done, total) = progress[name], total > 0 {
                let width = 24, filled = min(width, width * done / total)
                line += "  [" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] \(done)/\(total)"
            }
            if !detail.isEmpty { line += "  " + String(detail.prefix(100)) }
            lines.append(line)
        }
        clearLocked()
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        drawnLines = lines.count
    }

    /// Stops redrawing (the summary follows).
    func finish() {
        lock.lock(); defer { lock.unlock() }
        timer?.cancel(); timer = nil
        if live { drawLocked(force: true) }
    }
}
