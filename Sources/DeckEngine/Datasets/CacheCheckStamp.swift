import DeckStore
import Foundation

/// Remembers across processes that a cached dataset file was checked against its chunk hashes,
/// so a cached pipeline re-run does not hash the whole file again in every new process.
///
/// The stamp (`.mldeck/cache/verified/<file name>`) holds the file's identity when it was checked
/// — device, inode, size, mtime and ctime in nanoseconds — and when the check happened. Any write
/// to the file changes its ctime, which no user tool can set back, so a stamp that still matches
/// means the bytes are the ones checked. As in git's "racy" index entries, a stamp is trusted only
/// when the file's ctime is at least ``racyWindow`` older than the check: a write within the same
/// clock tick as the check could otherwise leave the same ctime behind. Such a file is simply
/// checked again (and stamped anew).
struct CacheCheckStamp {
    /// Seconds between the file's last change and its check below which a stamp is not trusted.
    static let racyWindow: Double = 2

    let folder: URL

    init(cacheDirectory: URL) {
        folder = cacheDirectory.deletingLastPathComponent().appendingPathComponent("verified", isDirectory: true)
    }

    /// True when `path` was checked (in any process) and has not changed since.
    func isCurrent(_ path: String, _ identity: FileIdentity) -> Bool {
        guard let text = try? String(contentsOf: stampURL(path), encoding: .utf8) else { return false }
        let parts = text.split(separator: " ")
        guard parts.count == 2, String(parts[0]) == Self.describe(identity), let checkedAt = Double(parts[1]) else { return false }
        let changed = Double(identity.changed.tv_sec) + Double(identity.changed.tv_nsec) / 1e9
        return changed <= checkedAt - Self.racyWindow
    }

    /// Records that `path` with `identity` was just checked. Best effort: without a stamp the next
    /// process checks again.
    func record(_ path: String, _ identity: FileIdentity) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = Self.describe(identity) + " " + String(Date().timeIntervalSince1970)
        try? Data(text.utf8).write(to: stampURL(path), options: .atomic)
    }

    func stampURL(_ path: String) -> URL { folder.appendingPathComponent((path as NSString).lastPathComponent) }

    static func describe(_ i: FileIdentity) -> String {
        "\(i.device):\(i.inode):\(i.size):\(i.modified.tv_sec).\(i.modified.tv_nsec):\(i.changed.tv_sec).\(i.changed.tv_nsec)"
    }
}
