@testable import DeckStore
import Foundation
import XCTest

/// Files and folders stored as chunks come back byte-identical, and hashes follow the documented rules.
final class DatasetContentRoundTripTests: XCTestCase {
    func testLargeFileExportsByteIdentical() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let input = TestSplitMix64.bytes(seed: 5, count: 6_000_000) + Data(repeating: 0, count: 1_000_000)
        let path = ws.file("in.bin")
        try input.write(to: URL(fileURLWithPath: path))
        let content = try DatasetContentWriter.committed(ws.store.objects) { try $0.storeFile(at: path) }
        XCTAssertEqual(content.kind, .recipe)
        XCTAssertEqual(content.logicalBytes, Int64(input.count))
        // The zero run repeats chunks: stored once.
        XCTAssertLessThan(content.newBytes, Int64(input.count))
        let out = ws.file("out.bin")
        try DatasetContentReader(objects: ws.store.objects).exportFile(hash: content.contentHash, isRecipe: true, size: content.logicalBytes, to: out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), input)
    }

    func testSmallFileHashIsItsSHA256AndStoredOnce() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let bytes = Data("a,b\n1,2\n".utf8)
        let path = ws.file("small.csv")
        try bytes.write(to: URL(fileURLWithPath: path))
        let writer = DatasetContentWriter(objects: ws.store.objects)
        let first = try writer.storeFile(at: path)
        XCTAssertEqual(first.kind, .object)
        XCTAssertEqual(first.contentHash, ObjectID.of(bytes))
        XCTAssertEqual(first.newObjects, 1)
        let again = try writer.storeFile(at: path)
        XCTAssertEqual(again.newObjects, 0)
        XCTAssertEqual(again.newBytes, 0)
    }

    func testEmptyFileIsTheEmptyObject() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("empty")
        try Data().write(to: URL(fileURLWithPath: path))
        let content = try DatasetContentWriter.committed(ws.store.objects) { try $0.storeFile(at: path) }
        XCTAssertEqual(content.contentHash.hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let out = ws.file("empty.out")
        try DatasetContentReader(objects: ws.store.objects).exportFile(hash: content.contentHash, isRecipe: false, size: 0, to: out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)).count, 0)
    }

    func testDirectoryRoundTripWithNestedFoldersAndOddNames() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let dir = ws.file("data")
        let fm = FileManager.default
        let files: [String: Data] = [
            "a.txt": Data("alpha\n".utf8),
            "sub/b.csv": Data("x,y\n1,2\n".utf8),
            "sub/deeper/big.bin": TestSplitMix64.bytes(seed: 9, count: 900_000),
            "sub/empty": Data(),
            "odd name\\with\nnewline.txt": Data("odd".utf8),
            "ünïcode.txt": Data("ü".utf8),
        ]
        for (path, data) in files {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try fm.createDirectory(atPath: dir + "/.mldeck", withIntermediateDirectories: true)
        try Data("state".utf8).write(to: URL(fileURLWithPath: dir + "/.mldeck/ignored"))
        let content = try DatasetContentWriter.committed(ws.store.objects) { try $0.storeDirectory(at: dir) }
        XCTAssertEqual(content.kind, .manifest)
        XCTAssertEqual(content.fileCount, files.count)
        XCTAssertEqual(content.logicalBytes, Int64(files.values.reduce(0) { $0 + $1.count }))
        XCTAssertTrue(content.skipped.contains { $0.hasPrefix(".mldeck") })

        let reader = DatasetContentReader(objects: ws.store.objects)
        let manifest = try reader.manifest(content.contentHash)
        XCTAssertEqual(Set(manifest.entries.map(\.path)), Set(files.keys))
        XCTAssertEqual(manifest.entries.first { $0.path == "a.txt" }?.hash, ObjectID.of(files["a.txt"]!))
        XCTAssertTrue(manifest.entries.first { $0.path == "sub/deeper/big.bin" }!.isRecipe)

        let out = ws.file("exported")
        try reader.exportDirectory(manifest: content.contentHash, to: out)
        for (path, data) in files {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent(path)), data, path)
        }
        XCTAssertFalse(fm.fileExists(atPath: out + "/.mldeck"))
        // The same folder stored again has the same hash and writes nothing.
        let again = try DatasetContentWriter.committed(ws.store.objects) { try $0.storeDirectory(at: dir) }
        XCTAssertEqual(again.contentHash, content.contentHash)
        XCTAssertEqual(again.newObjects, 0)
    }

    func testManifestPathsThatWouldEscapeAreRefused() throws {
        let id = ObjectID.of(Data())
        for bad in ["../evil", "/etc/passwd", "a/../../b", "a//b", "./x"] {
            let text = "mldeck-manifest 1\no \(id.hex) 0 \(bad)\n"
            XCTAssertThrowsError(try DirectoryManifest.parse(Data(text.utf8), id: id), bad) { error in
                XCTAssertEqual(error as? DatasetError, .unsafePath(bad))
            }
        }
    }

    func testExportFailsOnACorruptChunkAndLeavesNoFile() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let path = ws.file("in.bin")
        try TestSplitMix64.bytes(seed: 3, count: 400_000).write(to: URL(fileURLWithPath: path))
        let content = try DatasetContentWriter.committed(ws.store.objects) { try $0.storeFile(at: path) }
        let recipe = try DatasetContentReader(objects: ws.store.objects).chunks(of: content.contentHash, isRecipe: true, size: 0)
        try ObjectDamage.overwrite(recipe[1].id, in: ws.store.objects, at: 0, with: Data("garbage".utf8))
        let out = ws.file("out.bin")
        XCTAssertThrowsError(try DatasetContentReader(objects: ws.store.objects).exportFile(hash: content.contentHash, isRecipe: true,
                                                                                            size: content.logicalBytes, to: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
