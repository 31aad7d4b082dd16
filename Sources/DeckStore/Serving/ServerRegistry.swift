import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One running server, as `mldeck servers list` shows it.
public struct ServerEntry: Codable, Sendable, Equatable {
    /// `http://HOST:PORT`.
    public var address: String
    public var host: String
    public var port: Int
    public var model: String
    /// The alias it follows (nil for a fixed version).
    public var alias: String?
    public var version: Int
    /// When the version it serves started answering (seconds since 1970).
    public var since: Double
    /// When the server started.
    public var started: Double
    /// Requests answered so far (updated every second).
    public var requests: Int
    public var pid: Int32
    /// The process's start time in clock ticks since boot (`/proc/PID/stat`), so that a reused
    /// pid is not taken for the server.
    public var processStart: String
    public var hostName: String
    /// When the server last wrote its entry (it does every second): a server found dead ended then.
    /// nil in entries written before heartbeats were recorded.
    public var heartbeat: Double?

    /// An entry as the server writes it.
    public init(address: String, host: String, port: Int, model: String, alias: String?, version: Int, since: Double,
                started: Double, requests: Int, pid: Int32, processStart: String, hostName: String, heartbeat: Double? = nil) {
        self.address = address; self.host = host; self.port = port; self.model = model; self.alias = alias
        self.version = version; self.since = since; self.started = started; self.requests = requests
        self.pid = pid; self.processStart = processStart; self.hostName = hostName; self.heartbeat = heartbeat
    }
}

/// The registry of running servers: one JSON file per server under `.mldeck/servers/`, written
/// by the server (at start, on a swap, every second with its request count and heartbeat) and
/// removed when it stops. An entry whose process is gone (a `kill -9`) is left out of ``list()``;
/// ``reapDead(store:)`` (run by `servers list`, `serve`, every store open and the agent) ends its
/// deployment at its last heartbeat and removes it.
/// It lives in DeckStore so that `mldeck servers list` and the dashboard read it the same way.
public struct ServerRegistry: Sendable {
    public let directory: URL

    public init(workspace: Workspace) {
        directory = workspace.stateDirectory.appendingPathComponent("servers", isDirectory: true)
    }

    func fileURL(host: String, port: Int) -> URL {
        let safe = host.map { $0.isLetter || $0.isNumber || $0 == "." ? String($0) : "_" }.joined()
        return directory.appendingPathComponent("\(safe)_\(port).json")
    }

    /// Writes (or replaces) the entry of a server, atomically.
    public func write(_ entry: ServerEntry) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let url = fileURL(host: entry.host, port: entry.port)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try encoder.encode(entry).write(to: temporary)
        if rename(temporary.path, url.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }

    /// Removes a server's entry (when it stops).
    public func remove(host: String, port: Int) {
        try? FileManager.default.removeItem(at: fileURL(host: host, port: port))
    }

    /// The running servers, by address; entries of dead processes are left out (and left for
    /// ``reapDead(store:)``, which ends their deployments).
    public func list() -> [ServerEntry] {
        entries().filter { Self.isAlive($0.entry) }.map { $0.entry }.sorted { ($0.host, $0.port) < ($1.host, $1.port) }
    }

    /// Every readable entry with its file.
    func entries() -> [(entry: ServerEntry, url: URL)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var found: [(entry: ServerEntry, url: URL)] = []
        for name in names where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: url), let entry = try? JSONDecoder().decode(ServerEntry.self, from: data) else { continue }
            found.append((entry: entry, url: url))
        }
        return found
    }

    /// True when the entry's process still runs: same host, pid alive, same start time.
    public static func isAlive(_ entry: ServerEntry) -> Bool {
        guard entry.hostName == ProcessInfo.processInfo.hostName else { return true }   // another machine's: cannot tell
        guard entry.pid > 0, kill(entry.pid, 0) == 0 || errno == EPERM else { return false }
        return processStartTime(entry.pid) == entry.processStart
    }

    /// The start time of process `pid` in clock ticks since boot (field 22 of `/proc/PID/stat`).
    public static func processStartTime(_ pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command come state (field 3) … starttime (field 22): index 19 here.
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
