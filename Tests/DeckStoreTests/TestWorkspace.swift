import DeckStore
import Foundation

/// A fresh workspace in a temporary folder, removed by `cleanup()`.
struct TestWorkspace {
    let root: URL
    let store: DeckStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
    }

    func reopen() throws -> DeckStore { try DeckStore.open(Workspace(root: root)) }

    func cleanup() { try? FileManager.default.removeItem(at: root) }
}
