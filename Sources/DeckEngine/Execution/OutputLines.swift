import Foundation

/// Cuts a command's output into lines as it arrives: each line keeps its terminator (`\n`,
/// `\r\n`, or a lone `\r` that a progress bar uses to redraw itself). A line longer than
/// ``maxLineBytes`` is handed on in pieces so memory stays bounded.
struct OutputLines {
    static let maxLineBytes = 1 << 20
    private var pending: [UInt8] = []

    /// The complete lines of `bytes` added to what was pending.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> [String] {
        pending.append(contentsOf: bytes)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < pending.count {
            let byte = pending[i]
            if byte == 0x0A {
                lines.append(String(decoding: pending[start...i], as: UTF8.self)); start = i + 1
            } else if byte == 0x0D {
                // `\r\n` is one terminator; a `\r` at the end waits for the next byte.
                if i + 1 == pending.count { break }
                if pending[i + 1] == 0x0A { i += 1 }
                lines.append(String(decoding: pending[start...i], as: UTF8.self)); start = i + 1
            } else if i - start + 1 >= Self.maxLineBytes {
                lines.append(String(decoding: pending[start...i], as: UTF8.self)); start = i + 1
            }
            i += 1
        }
        pending.removeFirst(start)
        return lines
    }

    /// What is left once the output closed (a last line without a terminator), if anything.
    mutating func finish() -> String? {
        defer { pending = [] }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}
