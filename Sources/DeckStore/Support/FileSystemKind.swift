import Foundation

/// Tells which file system a path lives on: network ones, where SQLite's WAL mode must not be
/// used, and tmpfs, which keeps files in memory whatever `O_DIRECT` says.
enum FileSystemKind {
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs"]

    /// The network file system type `path` lives on (from `/proc/mounts`), or nil for a local one.
    static func networkKind(of path: String) -> String? {
        guard let type = type(of: path), networkTypes.contains(type) else { return nil }
        return type
    }

    /// The type of the file system mounted deepest above `path` (`/proc/mounts`: "ext4", "tmpfs",
    /// "nfs4", …), or nil when it cannot be told.
    static func type(of path: String) -> String? {
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return nil }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = fields[1].replacingOccurrences(of: "\\040", with: " ")
            let isPrefix = target == point || target.hasPrefix(point.hasSuffix("/") ? point : point + "/")
            if isPrefix, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type
    }
}
