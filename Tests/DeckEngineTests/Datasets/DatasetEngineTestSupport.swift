import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation

/// A fresh workspace for dataset engine tests (the shared ``TemporaryWorkspace``), removed by `cleanup()`.
struct DatasetEngineWorkspace {
    private let workspace: TemporaryWorkspace
    var root: URL { workspace.root }
    var store: DeckStore { workspace.store }

    init() throws { workspace = try TemporaryWorkspace(prefix: "mldeck-dataset-engine") }

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

    func cleanup() { workspace.cleanup() }
}
