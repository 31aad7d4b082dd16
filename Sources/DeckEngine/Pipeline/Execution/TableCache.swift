import DeckML
import Foundation

/// Loaded tables shared by the steps of a run (the split, train and evaluate steps read the same
/// file once).
final class TableCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [String: DataTable] = [:]

    /// The table at `url`, loaded on first use.
    func table(_ url: URL) throws -> DataTable {
        lock.lock(); defer { lock.unlock() }
        if let table = tables[url.path] { return table }
        let table = try DataTable.load(path: url.path)
        tables[url.path] = table
        return table
    }
}
