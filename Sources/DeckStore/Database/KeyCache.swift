import Foundation
import GRDB

/// Interns param, metric and tag names as small integers (table `keys`).
/// Ids never change once assigned, so a per-process cache stays valid across processes.
///
/// A key created inside an open transaction is only "pending" until that transaction commits:
/// it is served from a per-connection pending map for the rest of the transaction, and moved
/// into the shared cache by one commit observer per transaction (a rollback drops it). Before,
/// every reuse of such a key inserted again and added another GRDB transaction observer, so a
/// 2,000-run `createRuns` batch built tens of thousands of observers (a quadratic cost).
final class KeyCache: @unchecked Sendable {
    private var ids: [String: Int64] = [:]
    /// Committed names by id, for listings that read `key_id` columns without joining `keys`.
    private var names: [Int64: String] = [:]
    /// Keys created in the still-open transaction of each connection (keyed by the `Database` object).
    private var pending: [ObjectIdentifier: [String: Int64]] = [:]
    private var observerCount = 0
    private let lock = NSLock()

    /// How many transaction observers this cache has registered (a test hook: at most one per transaction).
    var observersRegistered: Int { lock.lock(); defer { lock.unlock() }; return observerCount }

    /// The id of `name`, creating it if needed. Call inside a write transaction.
    func id(for name: String, in db: Database) throws -> Int64 {
        let connection = ObjectIdentifier(db)
        if let id = lookup(name, connection: connection) { return id }
        try db.execute(sql: "INSERT OR IGNORE INTO keys(name) VALUES (?)", arguments: [name])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM keys WHERE name = ?", arguments: [name]) else {
            throw DatabaseError(message: "could not intern key \(name)")
        }
        guard db.isInsideTransaction else {
            store(name, id)  // autocommit: the insert is already committed
            return id
        }
        // Cache only once the transaction commits: a rolled-back insert must not leave a stale id.
        if addPending(name, id, connection: connection) {
            db.afterNextTransaction(onCommit: { [weak self] _ in self?.finish(connection, commit: true) },
                                    onRollback: { [weak self] _ in self?.finish(connection, commit: false) })
        }
        return id
    }

    /// Forgets the keys this connection created in its open transaction (a savepoint that created
    /// some was rolled back); the ones still there are found again on their next use.
    func forgetPending(in db: Database) {
        lock.lock(); pending[ObjectIdentifier(db)] = nil; lock.unlock()
    }

    /// The id of `name` if it exists, without creating it (for queries).
    func existingID(for name: String, in db: Database) throws -> Int64? {
        let connection = ObjectIdentifier(db)
        if let id = lookup(name, connection: connection) { return id }
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM keys WHERE name = ?", arguments: [name]) else { return nil }
        store(name, id)
        return id
    }

    /// The names of `keyIDs` (ids with no key are left out). Names read by a read-only connection
    /// are cached: they are committed, and an id never changes its name. A writer's own
    /// uncommitted keys are read but not cached (a rollback may free the id).
    func names(of keyIDs: Set<Int64>, in db: Database) throws -> [Int64: String] {
        var found: [Int64: String] = [:]
        var missing: [Int64] = []
        lock.lock()
        for id in keyIDs { if let name = names[id] { found[id] = name } else { missing.append(id) } }
        lock.unlock()
        guard !missing.isEmpty else { return found }
        let rows = try Row.fetchCursor(db, sql: "SELECT id, name FROM keys WHERE id IN (\(missing.map(String.init).joined(separator: ",")))")
        var read: [Int64: String] = [:]
        while let row = try rows.next() {
            guard let id = row[0] as Int64?, let name = row[1] as String? else { continue }
            read[id] = name
        }
        if db.configuration.readonly {
            lock.lock(); names.merge(read) { _, new in new }; lock.unlock()
        }
        return found.merging(read) { _, new in new }
    }

    /// The committed id of `name`, or the id created earlier in this connection's open transaction.
    private func lookup(_ name: String, connection: ObjectIdentifier) -> Int64? {
        lock.lock(); defer { lock.unlock() }
        return ids[name] ?? pending[connection]?[name]
    }

    /// Records a key created in the open transaction; true when it is the transaction's first
    /// (the caller then registers the one commit/rollback observer).
    private func addPending(_ name: String, _ id: Int64, connection: ObjectIdentifier) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let first = pending[connection] == nil
        pending[connection, default: [:]][name] = id
        if first { observerCount += 1 }
        return first
    }

    private func finish(_ connection: ObjectIdentifier, commit: Bool) {
        lock.lock(); defer { lock.unlock() }
        if commit, let created = pending[connection] { ids.merge(created) { _, new in new } }
        pending[connection] = nil
    }

    private func store(_ name: String, _ id: Int64) { lock.lock(); ids[name] = id; lock.unlock() }
}
