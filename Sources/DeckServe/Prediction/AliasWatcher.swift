import DeckStore
import Foundation
import ServiceLifecycle

/// Follows the alias a server serves: every `interval` it asks SQLite whether another process
/// committed (`PRAGMA data_version`, one cheap query on a dedicated connection), and when one
/// did, resolves the alias again; a new version is loaded off the request path and swapped in
/// atomically (requests in flight finish on the version they started with). A version that
/// cannot be loaded is warned about once (``ReloadWarnings``), and the old one keeps serving.
///
/// `@unchecked Sendable`: `warnings` is read and written only under `lock`; the rest is immutable.
public final class AliasWatcher: Service, @unchecked Sendable {
    let store: DeckStore
    let slot: ModelSlot
    let model: String
    let alias: String
    let strictColumns: Bool
    let interval: Duration
    /// Called after each swap (the server's registry entry and log line).
    let onSwap: @Sendable (ServedModel) -> Void
    /// Where a failed reload is told (standard error by default).
    let warn: @Sendable (String) -> Void
    private let lock = NSLock()
    private var warnings = ReloadWarnings()

    public init(store: DeckStore, slot: ModelSlot, model: String, alias: String, strictColumns: Bool,
                interval: Duration = .milliseconds(100), onSwap: @escaping @Sendable (ServedModel) -> Void = { _ in },
                warn: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.store = store; self.slot = slot; self.model = model; self.alias = alias
        self.strictColumns = strictColumns; self.interval = interval; self.onSwap = onSwap; self.warn = warn
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
        var target: Int?
        do {
            guard let record = try store.modelVersion(model: model, alias: alias) else { return settled(nil) }   // alias removed: keep serving
            guard record.version != current.version.version else { return settled(nil) }
            target = record.version
            let next = try ServedModel.load(store: store, version: record, alias: alias, strictColumns: strictColumns)
            slot.swap(next)
            onSwap(next)
            return settled(record.version)
        } catch {
            let message = "\(error)"
            lock.lock()
            let news = warnings.isNew(version: target, message: message)
            lock.unlock()
            if news {
                let which = target.map { "version \($0) of \(model)@\(alias)" } ?? "\(model)@\(alias)"
                warn("mldeck serve: warning: \(which) could not be loaded: \(message); still serving version \(current.version.version) (said once until this changes)")
            }
            return nil
        }
    }

    /// A check that did not fail: forgets the last warning and passes `version` through.
    private func settled(_ version: Int?) -> Int? {
        lock.lock(); warnings.clear(); lock.unlock()
        return version
    }
}
