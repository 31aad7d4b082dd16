import DeckEngine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress of a long dataset operation on standard error: a bar with bytes, rate and time left
/// on a terminal (redrawn at most 10 times a second), plain lines every 10 % otherwise. Quiet for
/// small inputs (under 64 MiB) and with `--quiet`.
final class DatasetProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let enabled: Bool
    private let isTerminal: Bool
    /// The stage the bar shows, when it began, and the bytes it last showed.
    private var stage = "storing"
    private var stageStarted = Date()
    private var lastDone: Int64 = 0
    private var lastDraw = 0.0
    private var lastDecile = -1
    private var drewBar = false
    /// Becomes true once the input is known to be large.
    private var visible = false

    /// Inputs smaller than this show no progress.
    static let minimumBytes: Int64 = 64 << 20

    init(label: String, totalBytes: Int64?, quiet: Bool) {
        self.label = label
        isTerminal = isatty(2) == 1
        enabled = !quiet
        visible = (totalBytes ?? 0) >= Self.minimumBytes
    }

    /// Handles an add event.
    func handle(_ event: DatasetAddEvent) {
        switch event {
        case .storing(let done, let total): bytes(done: done, total: total, stage: "storing")
        case .profiling: phase("profiling")
        case .profiled(let done, let total): bytes(done: done, total: total, stage: "profiling")
        case .syncing: phase("syncing to disk")
        }
    }

    /// Bytes done of `total` (0 when unknown) in `stage` (storing, then profiling: each has its
    /// own bar, rate and time left).
    func bytes(done: Int64, total: Int64, stage: String = "storing") {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if !visible && (total >= Self.minimumBytes || done >= Self.minimumBytes) { visible = true }
        guard visible else { return }
        if stage != self.stage || done < lastDone {
            self.stage = stage; stageStarted = Date(); lastDraw = 0; lastDecile = -1
        }
        lastDone = done
        let label = stage == "storing" ? self.label : "\(self.label) (\(stage))"
        let elapsed = Date().timeIntervalSince(stageStarted)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        if isTerminal {
            guard elapsed - lastDraw >= 0.1 || (total > 0 && done >= total) else { return }
            lastDraw = elapsed
            var line = "\r\u{1B}[2K\(label)  "
            if total > 0 {
                let fraction = min(1, Double(done) / Double(total))
                let width = 24, filled = Int(fraction * Double(width))
                line += "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
                line += "\(Self.bytes(done)) / \(Self.bytes(total))  \(Self.rate(rate))"
                if rate > 0 && done < total { line += "  ETA " + Self.seconds(Double(total - done) / rate) }
            } else {
                line += "\(Self.bytes(done))  \(Self.rate(rate))"
            }
            FileHandle.standardError.write(Data(line.utf8))
            drewBar = true
        } else if total > 0 {
            let decile = Int(Double(done) / Double(total) * 10)
            guard decile > lastDecile else { return }
            lastDecile = decile
            FileHandle.standardError.write(Data("\(label): \(decile * 10)% (\(Self.bytes(done)) of \(Self.bytes(total)), \(Self.rate(rate)))\n".utf8))
        }
    }

    /// A named phase after the bytes (profiling, syncing).
    func phase(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        guard enabled && visible else { return }
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(label)  \(name)…".utf8))
            drewBar = true
        } else {
            FileHandle.standardError.write(Data("\(label): \(name)\n".utf8))
        }
    }

    /// Clears the bar.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if isTerminal && drewBar { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    static func bytes(_ n: Int64) -> String { Formatting.bytes(n) }

    static func rate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond >= 1e9 ? String(format: "%.2f GB/s", bytesPerSecond / 1e9) : String(format: "%.0f MB/s", bytesPerSecond / 1e6)
    }

    static func seconds(_ s: Double) -> String { Formatting.duration(s) }
}
