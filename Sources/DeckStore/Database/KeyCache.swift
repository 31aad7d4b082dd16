import Foundation
import GRDB

/// Interns param, metric and tag names as small integers (table `keys`).
/// Ids never change once assigned, so a per-process cache stays valid across processes.
final class KeyCache: @unchecked Sendable {
    private var ids: [String: Int64] = [:]
    private let lock = NSLock()

    /// The id of `name`, creating it if needed. Call inside a write transaction.
    func id(for name: String, in db: Database) throws -> Int64 {
        if let id = cached(name) { return id }
        try db.execute(sql: "INSERT OR IGNORE INTO keys(name) VALUES (?)", arguments: [name])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM keys WHERE name = ?", arguments: [name]) else {
            throw DatabaseError(message: "could not intern key \(name)")
        }
        // Cache only once the transaction commits: a rolled-back insert must not leave a stale id.
        db.afterNextTransaction(onCommit: { [weak self] _ in self?.store(name, id) })
        return id
    }

    /// The id of `name` if it exists, without creating it (for queries).
    func existingID(for name: String, in db: Database) throws -> Int64? {
        if let id = cached(name) { return id }
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM keys WHERE name = ?", arguments: [name]) else { return nil }
        store(name, id)
        return id
    }

    private func cached(_ name: String) -> Int64? { lock.lock(); defer { lock.unlock() }; return ids[name] }
    private func store(_ name: String, _ id: Int64) { lock.lock(); ids[name] = id; lock.unlock() }
}
