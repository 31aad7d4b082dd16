@testable import DeckStore
import XCTest

final class ObjectStoreTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func testObjectsAreContentAddressedAndDeduplicated() throws {
        let objects = ws.store.objects
        let id = try objects.put(Data("hello".utf8))
        XCTAssertEqual(id.hex, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "SHA-256 of 'hello'")
        XCTAssertTrue(objects.path(of: id).hasSuffix("/2c/f24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))
        XCTAssertEqual(try objects.put(Data("hello".utf8)), id)
        XCTAssertEqual(objects.allObjects(), [id])
        XCTAssertEqual(try objects.read(id), Data("hello".utf8))
    }

    func testACorruptedObjectIsAnErrorNotWrongData() throws {
        let objects = ws.store.objects
        let id = try objects.put(Data("precious bytes".utf8))
        let path = objects.path(of: id)
        chmod(path, 0o644)
        try Data("precious bytez".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try objects.read(id)) { error in
            guard case .corrupt(let bad, _, let actual)? = error as? ObjectStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(bad, id)
            XCTAssertEqual(actual, ObjectID.of(Data("precious bytez".utf8)))
            XCTAssertTrue("\(error)".contains("mldeck fsck"))
        }
        XCTAssertThrowsError(try objects.verify(id))
        try objects.remove(id)
        XCTAssertThrowsError(try objects.read(id)) { error in
            guard case .missing? = error as? ObjectStoreError else { return XCTFail("\(error)") }
        }
    }

    func testFilesStreamIntoTheStoreAndBatchesCommitTogether() throws {
        let file = ws.root.appendingPathComponent("big.bin")
        let bytes = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: file)
        let id = try ws.store.objects.putFile(at: file)
        XCTAssertEqual(id, ObjectID.of(bytes))
        XCTAssertNoThrow(try ws.store.objects.verify(id))

        let batch = ObjectWriteBatch(store: ws.store.objects)
        let ids = try (0..<100).map { try batch.put(Data("chunk \($0)".utf8)) }
        XCTAssertEqual(batch.writtenCount, 100)
        try batch.commit()
        for (i, id) in ids.enumerated() { XCTAssertEqual(try ws.store.objects.read(id), Data("chunk \(i)".utf8)) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ws.store.workspace.temporaryDirectory.path), [], "no temporary files left")
    }
}
