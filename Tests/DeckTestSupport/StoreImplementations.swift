import DeckStore
import Foundation

/// The store implementations that DeckEngine's tests run against: the SQLite store and the
/// in-memory fake. A test written once against `any WorkspaceStore` runs on both, which shows
/// that DeckEngine depends only on the store protocols.
public enum StoreImplementation: String, CaseIterable, Sendable {
    case sqlite
    case inMemory

    /// A fresh workspace folder with a store of this kind; `cleanup` removes the folder.
    public func make(prefix: String = "mldeck-store") throws -> (store: any WorkspaceStore, root: URL, cleanup: () -> Void) {
        switch self {
        case .sqlite:
            let ws = try TemporaryWorkspace(prefix: "\(prefix)-sqlite")
            return (ws.store, ws.root, ws.cleanup)
        case .inMemory:
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-memory-\(UUID().uuidString)")
            let store = try InMemoryStore(root: root)
            return (store, root, { try? FileManager.default.removeItem(at: root) })
        }
    }

    /// Runs `body` once per implementation, each in a fresh workspace.
    public static func each(prefix: String = "mldeck-store",
                            _ body: (StoreImplementation, any WorkspaceStore, URL) throws -> Void) throws {
        for kind in allCases {
            let made = try kind.make(prefix: prefix)
            defer { made.cleanup() }
            try body(kind, made.store, made.root)
        }
    }
}
