@testable import DeckStore
import Foundation
import XCTest

/// Every `Failpoint.hit("…")` in the sources is listed in `Failpoint.names` (which the crash
/// matrix walks), and every listed name is hit somewhere.
final class FailpointTests: XCTestCase {
    func testEveryPointInTheSourcesIsListedAndEveryListedPointExists() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        var found = Set<String>()
        let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            var rest = text[...]
            while let start = rest.range(of: "Failpoint.hit(\"") {
                let tail = rest[start.upperBound...]
                guard let end = tail.firstIndex(of: "\"") else { break }
                found.insert(String(tail[..<end]))
                rest = tail[end...]
            }
        }
        XCTAssertEqual(found, Set(Failpoint.names))
        XCTAssertEqual(Failpoint.names.count, Set(Failpoint.names).count)
    }

    func testAnArmedPointNamesItsHit() {
        XCTAssertEqual(Failpoint.parse("objects.after-fsync").name, "objects.after-fsync")
        XCTAssertEqual(Failpoint.parse("objects.after-fsync").hit, 1)
        XCTAssertEqual(Failpoint.parse("step-cache.after-commit#3").name, "step-cache.after-commit")
        XCTAssertEqual(Failpoint.parse("step-cache.after-commit#3").hit, 3)
        XCTAssertEqual(Failpoint.parse("step-cache.after-commit#3").spec, "step-cache.after-commit#3")
        // A count that is not a positive number arms a name no point has: nothing fires.
        XCTAssertEqual(Failpoint.parse("step-cache.after-commit#0").name, "step-cache.after-commit#0")
        XCTAssertEqual(Failpoint.parse("step-cache.after-commit#x").hit, 1)
    }
}
