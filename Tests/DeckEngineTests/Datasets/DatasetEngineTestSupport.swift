import DeckEngine
import DeckStore
import Foundation

/// A fresh workspace for dataset engine tests, removed by `cleanup()`.
struct DatasetEngineWorkspace {
    let root: URL
    let store: DeckStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-dataset-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
    }

    /// Writes `text` to `name` in the workspace folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = root.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func add(_ name: String, _ path: String, keys: [String] = [], lenient: Bool = false, na: [String] = [],
             force: Bool = false) throws -> DatasetAddResult {
        try DatasetAdder.add(DatasetAddRequest(name: name, path: path, keyColumns: keys, force: force, lenient: lenient, naTokens: na), to: store)
    }

    func cleanup() { try? FileManager.default.removeItem(at: root) }
}
