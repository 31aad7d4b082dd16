import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file or folder to a path the user gave, safely: the content goes to a new temporary
/// file or folder beside the target, is synced, and is renamed into place only when complete.
///
/// Rules, checked with `lstat` (links are never followed at the target):
/// - nothing is ever written into, over, or around the workspace's `.mldeck/` store;
/// - without `force` nothing existing is replaced (``OutputPathError/exists(path:)``);
/// - with `force` a regular file or symbolic link is replaced (the link itself, not its target),
///   and a folder only when it is empty or mldeck wrote it (it holds ``markerName`` listing every
///   file, and nothing else) — never a folder with foreign content;
/// - a device, FIFO, socket or other special file is never replaced, even with `force`.
///
/// Usage: `let out = try SafeOutput.prepare(...)`, write to ``temporary``, then ``commit()``
/// (or ``discard()`` on failure).
public struct SafeOutput: Sendable {
    /// What is written: one file, or a folder of files.
    public enum Kind: Sendable { case file, folder }

    /// The file written inside every exported folder, naming the files mldeck put there; it is
    /// how `--force` recognises a folder it may replace.
    public static let markerName = ".mldeck-export"
    static let markerHeader = "# written by mldeck; --force may replace this folder. Files:"

    /// What was at the destination when it was checked.
    enum Existing: Sendable, Equatable {
        case nothing
        case file(device: UInt64, inode: UInt64)
        case folder(device: UInt64, inode: UInt64)
    }

    /// The absolute destination path.
    public let destination: String
    /// Where to write the content (a file path, or a created empty folder, beside the destination).
    public let temporary: String
    /// A file or a folder.
    public let kind: Kind
    let existing: Existing

    /// Checks `path` and prepares a temporary file or folder beside it (creating missing parent
    /// folders). `workspaceState` is the workspace's `.mldeck/` folder; `within`, when given, is
    /// a folder under which no part of the path may be a symbolic link (for stored relative paths).
    public static func prepare(_ path: String, kind: Kind, force: Bool, workspaceState: URL?, within: String? = nil) throws -> SafeOutput {
        guard !path.isEmpty else { throw FileSystemError(path: "''", operation: "write to", reason: "the path is empty") }
        let destination = URL(fileURLWithPath: path).standardizedFileURL.path
        let parent = (destination as NSString).deletingLastPathComponent
        let name = (destination as NSString).lastPathComponent
        guard destination != "/", !name.isEmpty else { throw OutputPathError.foreignContent(path: destination, example: "everything") }
        if let state = workspaceState { try refuseWorkspaceState(destination, state: state) }
        if let within { try refuseLinks(destination, below: URL(fileURLWithPath: within).standardizedFileURL.path) }

        let existing = try inspect(destination, force: force)
        try FileSystemError.wrapping(path: parent, operation: "create the folder") {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        let temporary = parent + "/." + String(name.prefix(80)) + ".mldeck-partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if kind == .folder, mkdir(temporary, 0o755) != 0 {
            throw FileSystemError(path: parent, operation: "create a folder in", errno: errno)
        }
        return SafeOutput(destination: destination, temporary: temporary, kind: kind, existing: existing)
    }

    /// Writes `data` to `path` through ``prepare(_:kind:force:workspaceState:within:)`` and ``commit()``.
    public static func write(_ data: Data, to path: String, force: Bool, workspaceState: URL?, within: String? = nil) throws {
        let out = try prepare(path, kind: .file, force: force, workspaceState: workspaceState, within: within)
        do {
            try FileSystemError.wrapping(path: out.destination, operation: "write") { try data.write(to: URL(fileURLWithPath: out.temporary)) }
            try out.commit()
        } catch {
            out.discard()
            throw error
        }
    }

    /// Syncs the temporary content and renames it into place, replacing what was checked.
    public func commit() throws {
        do {
            if kind == .folder { try writeMarker() }
            try syncTemporary()
            try checkUnchanged()
            switch existing {
            case .nothing:
                try renameNoReplace()
            case .file:
                if kind == .file {
                    guard rename(temporary, destination) == 0 else { throw FileSystemError(path: destination, operation: "replace", errno: errno) }
                } else {
                    guard unlink(destination) == 0 else { throw FileSystemError(path: destination, operation: "replace", errno: errno) }
                    try renameNoReplace()
                }
            case .folder:
                let aside = (destination as NSString).deletingLastPathComponent + "/." + String((destination as NSString).lastPathComponent.prefix(80))
                    + ".mldeck-old-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                guard rename(destination, aside) == 0 else { throw FileSystemError(path: destination, operation: "move aside", errno: errno) }
                do { try Self.verifyOwnFolder(aside) } catch {   // a file added since the check: put it all back
                    _ = rename(aside, destination)
                    throw (error as? OutputPathError).map { _ in OutputPathError.changed(path: destination) } ?? error
                }
                guard rename(temporary, destination) == 0 else {
                    let code = errno
                    _ = rename(aside, destination)
                    throw FileSystemError(path: destination, operation: "replace", errno: code)
                }
                try? FileManager.default.removeItem(atPath: aside)
            }
            Self.syncFolder((destination as NSString).deletingLastPathComponent)
        } catch {
            discard()
            throw error
        }
    }

    /// Removes the temporary file or folder (after a failure).
    public func discard() {
        var info = stat()
        guard lstat(temporary, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR { try? FileManager.default.removeItem(atPath: temporary) } else { unlink(temporary) }
    }

    // MARK: - Checks

    /// Refuses `destination` when it is the store, inside it, or a folder containing it
    /// (compared after resolving links in the existing part of the path).
    static func refuseWorkspaceState(_ destination: String, state: URL) throws {
        let stateReal = resolvedPath(state.standardizedFileURL.path)
        let parentReal = resolvedPath((destination as NSString).deletingLastPathComponent)
        let name = (destination as NSString).lastPathComponent
        let target = parentReal == "/" ? "/" + name : parentReal + "/" + name
        var candidates = [target]
        var info = stat()
        if lstat(destination, &info) == 0, info.st_mode & S_IFMT == S_IFLNK { candidates.append(resolvedPath(destination)) }
        for candidate in candidates {
            if candidate == stateReal || candidate.hasPrefix(stateReal + "/") || stateReal.hasPrefix(candidate == "/" ? "/" : candidate + "/") {
                throw OutputPathError.workspaceState(path: destination, state: stateReal)
            }
        }
    }

    /// Refuses a path with a symbolic link anywhere between `root` and its last component.
    static func refuseLinks(_ destination: String, below root: String) throws {
        guard destination.hasPrefix(root + "/") else { throw OutputPathError.linkInPath(path: destination) }
        var current = root
        for part in destination.dropFirst(root.count + 1).split(separator: "/").dropLast() {
            current += "/" + part
            var info = stat()
            if lstat(current, &info) != 0 { return }
            if info.st_mode & S_IFMT == S_IFLNK { throw OutputPathError.linkInPath(path: destination) }
        }
    }

    /// What is at `path`, refusing what may not be replaced.
    static func inspect(_ path: String, force: Bool) throws -> Existing {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return .nothing }
            throw FileSystemError(path: path, operation: "write to", errno: errno)
        }
        let device = UInt64(truncatingIfNeeded: info.st_dev), inode = UInt64(truncatingIfNeeded: info.st_ino)
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFLNK:
            guard force else { throw OutputPathError.exists(path: path) }
            return .file(device: device, inode: inode)
        case S_IFDIR:
            guard force else { throw OutputPathError.exists(path: path) }
            try verifyOwnFolder(path)
            return .folder(device: device, inode: inode)
        case S_IFIFO: throw OutputPathError.specialFile(path: path, kind: "a FIFO (named pipe)")
        case S_IFSOCK: throw OutputPathError.specialFile(path: path, kind: "a socket")
        case S_IFCHR, S_IFBLK: throw OutputPathError.specialFile(path: path, kind: "a device")
        default: throw OutputPathError.specialFile(path: path, kind: "a special file")
        }
    }

    /// True when `path` is a marker file written by ``commit()`` (not a data file of that name).
    public static func isMarker(atPath path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: markerHeader.utf8.count)) ?? Data()
        return head == Data(markerHeader.utf8)
    }

    /// Throws unless the folder is empty, or holds only the marker and the files it lists.
    static func verifyOwnFolder(_ path: String) throws {
        let entries = try listing(path)
        if entries.isEmpty { return }
        var info = stat()
        guard lstat(path + "/" + markerName, &info) == 0, info.st_mode & S_IFMT == S_IFREG,   // never open a FIFO
              let text = try? String(contentsOfFile: path + "/" + markerName, encoding: .utf8),
              text.hasPrefix(markerHeader) else {
            throw OutputPathError.foreignContent(path: path, example: entries.first { $0.relative != markerName }?.relative ?? markerName)
        }
        let listed = Set(text.split(separator: "\n").dropFirst().map(String.init))
        for entry in entries where entry.relative != markerName {
            let ok = entry.isFolder ? listed.contains { $0.hasPrefix(entry.relative + "/") } : entry.isRegular && listed.contains(entry.relative)
            if !ok { throw OutputPathError.foreignContent(path: path, example: entry.relative) }
        }
    }

    /// Every entry under `root` (relative paths), without following links.
    static func listing(_ root: String) throws -> [(relative: String, isFolder: Bool, isRegular: Bool)] {
        var out: [(relative: String, isFolder: Bool, isRegular: Bool)] = []
        var pending = [""]
        while let prefix = pending.popLast() {
            let folder = prefix.isEmpty ? root : root + "/" + prefix
            let names = try FileSystemError.wrapping(path: folder, operation: "list") { try FileManager.default.contentsOfDirectory(atPath: folder) }
            for name in names {
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                var info = stat()
                let found = lstat(root + "/" + relative, &info) == 0
                let isFolder = found && info.st_mode & S_IFMT == S_IFDIR
                out.append((relative: relative, isFolder: isFolder, isRegular: found && info.st_mode & S_IFMT == S_IFREG))
                if isFolder { pending.append(relative) }
            }
        }
        return out
    }

    /// Re-checks, just before the rename, that the destination is still what was checked.
    func checkUnchanged() throws {
        var info = stat()
        if lstat(destination, &info) != 0 {
            guard errno == ENOENT, existing == .nothing else { throw OutputPathError.changed(path: destination) }
            return
        }
        let device = UInt64(truncatingIfNeeded: info.st_dev), inode = UInt64(truncatingIfNeeded: info.st_ino)
        switch existing {
        case .nothing: throw OutputPathError.exists(path: destination)
        case .file(let d, let i), .folder(let d, let i):
            guard d == device, i == inode else { throw OutputPathError.changed(path: destination) }
        }
    }

    // MARK: - Writing

    /// Renames the temporary content to a destination that must not exist.
    func renameNoReplace() throws {
        if kind == .file {
            // link() fails with EEXIST instead of replacing what appeared meanwhile.
            if link(temporary, destination) == 0 { unlink(temporary); return }
            if errno == EEXIST { throw OutputPathError.exists(path: destination) }
        }
        var info = stat()
        if lstat(destination, &info) == 0 { throw OutputPathError.exists(path: destination) }
        guard rename(temporary, destination) == 0 else { throw FileSystemError(path: destination, operation: "create", errno: errno) }
    }

    /// Writes the marker listing every file of the temporary folder.
    func writeMarker() throws {
        let entries = try Self.listing(temporary)
        if entries.contains(where: { $0.relative == Self.markerName }) { return }  // the content has one: leave it be
        let files = entries.filter { !$0.isFolder }.map(\.relative).sorted()
        let text = ([Self.markerHeader] + files).joined(separator: "\n") + "\n"
        try FileSystemError.wrapping(path: destination, operation: "write") {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary + "/" + Self.markerName))
        }
    }

    /// Makes the temporary content durable: one fsync for a file, one file-system sync for a folder.
    func syncTemporary() throws {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: destination, operation: "write", errno: errno) }
        defer { close(fd) }
        let code = kind == .file ? FileSystemSync.sync(fd) : FileSystemSync.syncFileSystem(containing: fd)
        guard code == 0 else { throw FileSystemError(path: destination, operation: "write", errno: code) }
    }

    /// fsync of a folder, so a rename in it survives a crash. Best effort: the content itself was
    /// synced before the rename (``syncTemporary()``), so a failure here can only undo the rename.
    static func syncFolder(_ path: String) {
        _ = FileSystemSync.sync(path: path, folder: true)
    }

    /// `realpath` of the longest existing prefix of `path`, with the rest appended.
    static func resolvedPath(_ path: String) -> String {
        var head = path
        var tail: [String] = []
        while true {
            if let real = realpath(head, nil) {
                defer { free(real) }
                let base = String(cString: real)
                return tail.isEmpty ? base : (base == "/" ? "" : base) + "/" + tail.reversed().joined(separator: "/")
            }
            let parent = (head as NSString).deletingLastPathComponent
            if parent == head || parent.isEmpty { return path }
            tail.append((head as NSString).lastPathComponent)
            head = parent
        }
    }
}
