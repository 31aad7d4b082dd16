import Foundation

/// Cuts a command's output into whole lines as it arrives: each ``append(_:)`` returns the
/// complete lines received so far (up to the last terminator: `\n`, `\r\n`, or a lone `\r` that
/// a progress bar uses to redraw itself) as one text, and keeps the partial last line for the
/// next. A line longer than ``maxLineBytes`` is handed on in pieces so memory stays bounded.
struct OutputLines {
    static let maxLineBytes = 1 << 20
    private var pending: [UInt8] = []

    /// The whole lines completed by `bytes`, or nil when none was.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> String? {
        pending.append(contentsOf: bytes)
        var end = pending.count
        // A `\r` at the very end waits for the next byte: it may be the start of `\r\n`.
        if end > 0 && pending[end - 1] == 0x0D { end -= 1 }
        var cut = end
        while cut > 0 && pending[cut - 1] != 0x0A && pending[cut - 1] != 0x0D { cut -= 1 }
        if cut == 0 && pending.count >= Self.maxLineBytes { cut = pending.count }
        guard cut > 0 else { return nil }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// What is left once the output closed (a last line without a terminator), if anything.
    mutating func finish() -> String? {
        defer { pending = [] }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }

    /// The lines of `text` without their terminators (`a\nb\r\n50%\r` → `a`, `b`, `50%`).
    static func split(_ text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines
    }
}
