import DeckStore
import Foundation
import ServiceLifecycle

/// Follows the alias a server serves: every `interval` it asks SQLite whether another process
/// committed (`PRAGMA data_version`, one cheap query on a dedicated connection), and when one
/// did, resolves the alias again; a new version is loaded off the request path and swapped in
/// atomically (requests in flight finish on the version they started with).
public final class AliasWatcher: Service, @unchecked Sendable {
    let store: DeckStore
    let slot: ModelSlot
    let model: String
    let alias: String
    let strictColumns: Bool
    let interval: Duration
    /// Called after each swap (the server's registry entry and log line).
    let onSwap: @Sendable (ServedModel) -> Void

    public init(store: DeckStore, slot: ModelSlot, model: String, alias: String, strictColumns: Bool,
                interval: Duration = .milliseconds(100), onSwap: @escaping @Sendable (ServedModel) -> Void = { _ in }) {
        self.store = store; self.slot = slot; self.model = model; self.alias = alias
        self.strictColumns = strictColumns; self.interval = interval; self.onSwap = onSwap
    }

    public func run() async throws {
        let watcher = try? store.makeChangeWatcher()
        var sinceFullCheck = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            sinceFullCheck += 1
            // A full check now and then, in case a change notice was missed (a watcher that failed to open).
            let changed = watcher?.hasChanged() ?? true
            guard changed || sinceFullCheck >= 50 else { continue }
            sinceFullCheck = 0
            checkOnce()
        }
    }

    /// Resolves the alias and swaps when it points elsewhere. Returns the new version, if any.
    @discardableResult
    public func checkOnce() -> Int? {
        let current = slot.current
        do {
            guard let record = try store.modelVersion(model: model, alias: alias) else { return nil }   // alias removed: keep serving
            guard record.version != current.version.version else { return nil }
            let next = try ServedModel.load(store: store, version: record, alias: alias, strictColumns: strictColumns)
            slot.swap(next)
            onSwap(next)
            return record.version
        } catch {
            FileHandle.standardError.write(Data("mldeck serve: warning: \(model)@\(alias) could not be reloaded: \(error); still serving version \(current.version.version)\n".utf8))
            return nil
        }
    }
}
