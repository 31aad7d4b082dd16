import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (redrawn at most 10 times a second; cleared by ``finish()``).
final class ProgressLine: @unchecked Sendable {
    let label: String
    let enabled = isatty(2) != 0
    private var lastDraw = 0.0
    private var drawn = false

    init(label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        guard enabled else { return }
        let now = Date().timeIntervalSince1970
        guard done == total || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let width = 30
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(done)/\(total) (\(Int(fraction * 100))%)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
