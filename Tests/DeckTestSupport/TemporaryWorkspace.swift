import DeckStore
import Foundation

/// A fresh workspace in a temporary folder, for the tests of every target (one helper instead
/// of a copy per test target). `cleanup()` removes it.
public struct TemporaryWorkspace {
    public let root: URL
    public let store: DeckStore

    /// Creates the folder and the workspace in it; `prefix` names the folder for a person
    /// looking at `/tmp` after a failed test.
    public init(prefix: String = "mldeck-test") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
    }

    /// Opens the workspace again, as another process would.
    public func reopen() throws -> DeckStore { try DeckStore.open(Workspace(root: root)) }

    /// Removes the folder.
    public func cleanup() { try? FileManager.default.removeItem(at: root) }
}
