@testable import DeckStore
import Foundation
import XCTest

/// A fresh workspace in a temporary folder for dataset tests, removed by `cleanup()`.
struct DatasetsTestWorkspace {
    let root: URL
    let store: DeckStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-datasets-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
    }

    /// A path inside the workspace folder (outside `.mldeck`).
    func file(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Stores the file at `path` and records it as a version of `name` (the store-level add, without profiling).
    @discardableResult
    func add(_ name: String, path: String, force: Bool = false, format: DatasetFormat = .file) throws -> DatasetRecordOutcome {
        let writer = DatasetContentWriter(objects: store.objects)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let content = isDirectory.boolValue ? try writer.storeDirectory(at: path) : try writer.storeFile(at: path)
        try writer.commit()
        return try store.recordDatasetVersion(DatasetVersionDraft(name: name, content: content, format: isDirectory.boolValue ? .directory : format,
                                                                  sourcePath: path), force: force)
    }

    func cleanup() { try? FileManager.default.removeItem(at: root) }
}

/// SplitMix64, as the chunking fixture script uses it.
struct TestSplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` bytes: the generator's words, little-endian.
    static func bytes(seed: UInt64, count: Int) -> Data {
        var g = TestSplitMix64(seed: seed)
        var out = Data(capacity: count + 8)
        while out.count < count {
            var word = g.next().littleEndian
            withUnsafeBytes(of: &word) { out.append(contentsOf: $0) }
        }
        return out.prefix(count)
    }
}

/// A CSV of `rows` deterministic rows (`id,a,b,c,label`).
enum TestTables {
    static func row(_ i: Int, variant: Int = 0) -> String {
        var g = TestSplitMix64(seed: UInt64(i) &* 7919 &+ 1)
        let a = Int(g.next() % 1000) + variant
        let b = Double(g.next() % 100_000) / 100
        let words = ["red", "green", "blue", "cyan", "magenta"]
        return "\(i),\(a),\(b),\(words[Int(g.next() % 5)]),label-\(g.next() % 97)\n"
    }

    static func csv(rows: Range<Int>, header: Bool = true) -> String {
        var text = header ? "id,a,b,c,label\n" : ""
        for i in rows { text += row(i) }
        return text
    }
}

/// The repository's `fixtures/` folder, found by walking up from this file.
enum RepositoryFixtures {
    static func url(_ relative: String, file: String = #filePath) throws -> URL {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("fixtures").appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "fixture \(relative) not found above \(file)"])
    }
}

extension DatasetContentWriter {
    /// Runs `body` with a new writer and commits what it stored (a writer dropped without
    /// ``commit()`` removes its pack, so tests that read afterwards commit first).
    static func committed<T>(_ objects: ObjectStore, writesPastCache: Bool = false,
                             _ body: (DatasetContentWriter) throws -> T) throws -> T {
        let writer = DatasetContentWriter(objects: objects, writesPastCache: writesPastCache)
        let result = try body(writer)
        try writer.commit()
        return result
    }
}
