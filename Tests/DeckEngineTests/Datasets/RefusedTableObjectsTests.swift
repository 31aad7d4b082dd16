import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// A table refused as malformed records nothing and leaves no chunk objects behind, while the
/// objects of versions already recorded stay.
final class RefusedTableObjectsTests: XCTestCase {
    func testARefusedMalformedTableLeavesNoOrphanChunks() throws {
        try StoreImplementation.each(prefix: "mldeck-refused") { kind, store, root in
            let good = root.appendingPathComponent("good.csv")
            try Data("id,x\n1,0.5\n2,0.25\n".utf8).write(to: good)
            _ = try DatasetAdder.add(DatasetAddRequest(name: "t", path: good.path), to: store)
            let before = Set(store.objects.allObjects())
            XCTAssertFalse(before.isEmpty, "\(kind)")

            // Row 3 has one field too many: refused (no --lenient). Large enough to be chunked.
            var text = "id,x,label\n"
            for i in 0..<40_000 { text += "\(i),\(Double(i) / 7),\(i % 2 == 0 ? "yes" : "no")\n" }
            text += "40000,1,yes,extra\n"
            let bad = root.appendingPathComponent("bad.csv")
            try Data(text.utf8).write(to: bad)
            XCTAssertThrowsError(try DatasetAdder.add(DatasetAddRequest(name: "t", path: bad.path), to: store), "\(kind)")

            XCTAssertEqual(Set(store.objects.allObjects()), before, "\(kind): the refused add left objects behind")
            XCTAssertEqual(try store.datasetVersions("t").count, 1, "\(kind)")
            // The recorded version still reads back whole.
            let v1 = try store.datasetVersion("t@1")
            for id in before { XCTAssertTrue(store.objects.contains(id), "\(kind): \(id) of \(v1.reference) went") }
        }
    }
}
