@testable import DeckStore
import Foundation
import XCTest

/// Chunk boundaries and content hashes against `fixtures/datasets/chunking.json`, computed by
/// `scripts/fixtures/make_chunking_fixtures.py` from the documented rules (independent of this code):
/// they must not change, or content hashes stop matching other clones.
final class ChunkingFixtureTests: XCTestCase {
    struct Described: Decodable {
        var size: Int
        var lengths: [Int]
        var chunks: [String]
        var content_hash: String
    }

    struct Fixture: Decodable {
        var gear_first: String
        var gear_last: String
        var strict_mask: String
        var loose_mask: String
        var random: Described
        var edited: Described
        var small: Described
        var empty: Described
    }

    func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: try RepositoryFixtures.url("datasets/chunking.json")))
    }

    static func randomInput() -> Data { TestSplitMix64.bytes(seed: 2024, count: 1_500_000) }

    static func editedInput() -> Data {
        let base = randomInput()
        return base.prefix(700_000) + Data(repeating: 0x41, count: 100) + base.suffix(from: 700_000)
    }

    func testGearTableAndMasksMatchTheDocumentedGenerator() throws {
        let f = try fixture()
        XCTAssertEqual(String(GearTable.values[0]), f.gear_first)
        XCTAssertEqual(String(GearTable.values[255]), f.gear_last)
        XCTAssertEqual(String(ContentChunker.standard.strictMask), f.strict_mask)
        XCTAssertEqual(String(ContentChunker.standard.looseMask), f.loose_mask)
    }

    func testInMemoryChunkingMatchesTheReference() throws {
        let f = try fixture()
        for (input, expected) in [(Self.randomInput(), f.random), (Self.editedInput(), f.edited),
                                  (Data("hello, mldeck\n".utf8), f.small), (Data(), f.empty)] {
            let lengths = input.withUnsafeBytes { ContentChunker.standard.chunkLengths($0) }
            XCTAssertEqual(lengths, expected.lengths)
            let ws = try DatasetsTestWorkspace()
            defer { ws.cleanup() }
            let stored = try DatasetContentWriter.committed(ws.store.objects) { w in try input.withUnsafeBytes { try w.storeBytes($0) } }
            XCTAssertEqual(stored.recipe.chunks.map(\.id.hex), expected.chunks)
            XCTAssertEqual(stored.recipe.contentHash.hex, expected.content_hash)
        }
    }

    func testStreamingPipelineMatchesTheReferenceWhateverTheWindow() throws {
        let f = try fixture()
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("random.bin")
        try Self.randomInput().write(to: URL(fileURLWithPath: path))
        for window in [1 << 16, 300_001, 8 << 20] {
            for readsDirect in [true, false] {
                let fd = open(path, O_RDONLY)
                defer { close(fd) }
                _ = fsync(fd)  // written back, then dropped from the page cache: direct reads are taken
                _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
                let writer = PackWriter(store: ws.store.objects)
                let result = try ChunkPipeline(objects: ws.store.objects, writer: writer, window: window, inFlight: 2, readsDirect: readsDirect)
                    .run(fd: fd, path: path, progress: nil)
                XCTAssertEqual(result.chunks.map { Int($0.size) }, f.random.lengths, "window \(window), direct \(readsDirect)")
                XCTAssertEqual(result.chunks.map(\.id.hex), f.random.chunks, "window \(window), direct \(readsDirect)")
            }
        }
    }

    func testStoredFileHashIsTheReferenceContentHash() throws {
        let f = try fixture()
        for pastCache in [false, true] {
            let ws = try DatasetsTestWorkspace()
            defer { ws.cleanup() }
            let path = ws.file("edited.bin")
            let input = Self.editedInput()
            try input.write(to: URL(fileURLWithPath: path))
            let content = try DatasetContentWriter.committed(ws.store.objects, writesPastCache: pastCache) { try $0.storeFile(at: path) }
            XCTAssertEqual(content.kind, .recipe)
            XCTAssertEqual(content.contentHash.hex, f.edited.content_hash, "past the cache: \(pastCache)")
            XCTAssertEqual(content.logicalBytes, Int64(f.edited.size))
            let out = ws.file("out.bin")
            let fresh = ObjectStore(root: ws.store.objects.root, temporary: ws.store.objects.temporary)
            try DatasetContentReader(objects: fresh).exportFile(hash: content.contentHash, isRecipe: true, size: content.logicalBytes, to: out)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), input, "past the cache: \(pastCache)")
        }
    }

    func testAnInsertionChangesOnlyTheChunkAroundIt() throws {
        let f = try fixture()
        let shared = Set(f.random.chunks).intersection(f.edited.chunks)
        XCTAssertEqual(shared.count, f.random.chunks.count - 1)
    }
}
