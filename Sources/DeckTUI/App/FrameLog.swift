import Foundation

/// Writes one line per frame to the file named by `MLDECK_FRAME_LOG`:
/// `<frame> <key-to-frame ms> <render ms> <cells written> <keys>` (key-to-frame is `-` for frames
/// not caused by a key; `<keys>` lists every key handled since the last frame, joined by `+`, so
/// keys taken in a burst are logged too). Used to check the ≤ 16 ms keystroke-to-frame target.
public final class FrameLog {
    private let handle: FileHandle
    private var frame = 0

    /// Opens (truncates) the log, or returns nil when `path` is nil or cannot be written.
    public init?(path: String?) {
        guard let path, !path.isEmpty else { return nil }
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else { return nil }
        handle = h
        handle.write(Data("# frame key_to_frame_ms render_ms cells key\n".utf8))
    }

    public func record(keyToFrameMs: Double?, renderMs: Double, cells: Int, keys: [Key]) {
        frame += 1
        let k2f = keyToFrameMs.map { CompactNumber.fixed($0, 3) } ?? "-"
        let keyText = keys.isEmpty ? "-" : keys.map { "\($0)".replacingOccurrences(of: " ", with: "_") }.joined(separator: "+")
        handle.write(Data("\(frame) \(k2f) \(CompactNumber.fixed(renderMs, 3)) \(cells) \(keyText)\n".utf8))
    }

    deinit { try? handle.close() }
}
