import GRDB

/// Notices writes made by other processes cheaply, through `PRAGMA data_version` polled on one
/// dedicated connection (the pragma is per connection, so a pool's rotating readers won't do).
public final class ChangeWatcher: @unchecked Sendable {
    private let queue: DatabaseQueue
    private var lastVersion: Int64 = -1

    init(path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(5)
        queue = try DatabaseQueue(path: path, configuration: config)
        lastVersion = try currentVersion()
    }

    private func currentVersion() throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// True when another connection committed since the last call.
    public func hasChanged() -> Bool {
        guard let version = try? currentVersion() else { return false }
        defer { lastVersion = version }
        return version != lastVersion
    }
}
