import Foundation

/// The git commit of the workspace (read from `.git` directly: no process) and whether the
/// working tree is dirty (`git status`, run in the background while the pipeline runs).
final class GitInfo: @unchecked Sendable {
    let commit: String?
    private let lock = NSLock()
    private var dirtyValue: Bool?
    private let done = DispatchSemaphore(value: 0)
    private let hasRepository: Bool

    init(root: URL) {
        var folder = root.standardizedFileURL
        var gitDirectory: URL?
        while true {
            let candidate = folder.appendingPathComponent(".git")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { gitDirectory = candidate }
                else if let text = try? String(contentsOf: candidate, encoding: .utf8), text.hasPrefix("gitdir:") {
                    gitDirectory = URL(fileURLWithPath: text.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: folder)
                }
                break
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        hasRepository = gitDirectory != nil
        commit = gitDirectory.flatMap(Self.readHead)
        if hasRepository {
            let path = root.path
            Thread { [self] in
                var dirty: Bool?
                if let child = try? ChildProcess(arguments: ["git", "-C", path, "status", "--porcelain", "--untracked-files=no"],
                                                 environment: ProcessInfo.processInfo.environment) {
                    var output = Data()
                    child.drainOutput { output.append(contentsOf: $0) }
                    if case .exited(0) = child.wait() { dirty = !output.isEmpty }
                }
                lock.lock(); dirtyValue = dirty; lock.unlock()
                done.signal()
            }.start()
        } else {
            done.signal()
        }
    }

    /// Whether tracked files differ from the commit (waits up to `timeout` seconds; nil if unknown).
    func dirty(timeout: Double = 2) -> Bool? {
        guard hasRepository else { return nil }
        if done.wait(timeout: .now() + timeout) == .success { done.signal() }
        lock.lock(); defer { lock.unlock() }
        return dirtyValue
    }

    static func readHead(_ git: URL) -> String? {
        guard let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref:") else { return head.isEmpty ? nil : head }
        let ref = head.dropFirst(4).trimmingCharacters(in: .whitespaces)
        if let value = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) {
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let packed = try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8) {
            for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                return String(line.split(separator: " ")[0])
            }
        }
        return nil
    }
}
