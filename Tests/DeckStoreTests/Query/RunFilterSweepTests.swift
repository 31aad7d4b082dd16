@testable import DeckStore
import XCTest

/// `parent = 'ID'` and `sweep = 'ID'` in the filter language.
final class RunFilterSweepTests: XCTestCase {
    var ws: TestWorkspace!
    var sweep: RunHandle!, other: RunHandle!, children: [RunHandle] = []

    override func setUpWithError() throws {
        ws = try TestWorkspace()
        sweep = try ws.store.createRun(RunStart(name: "sweep", tags: ["mldeck.sweep": "--sweep d=1,2"], owner: nil, startTime: 1_800_000_000))
        other = try ws.store.createRun(RunStart(name: "plain-parent", owner: nil, startTime: 1_800_000_001))
        for (i, parent) in [sweep, sweep, other].enumerated() {
            var start = RunStart(name: "child\(i)", params: ["d": "\(i)"], owner: nil, startTime: 1_800_000_010 + Double(i))
            start.lineage = RunLineage(parentRunID: parent!.id)
            children.append(try ws.store.createRun(start))
        }
        _ = try ws.store.createRun(RunStart(name: "alone", owner: nil, startTime: 1_800_000_100))
    }
    override func tearDown() { ws.cleanup() }

    func names(_ filter: String) throws -> Set<String> {
        Set(try ws.store.listRuns(RunQuery(filter: filter)).map(\.run.name))
    }

    func testParentMatchesChildrenByIdOrPrefix() throws {
        XCTAssertEqual(try names("parent = '\(sweep.id)'"), ["child0", "child1"])
        XCTAssertEqual(try names("parent = '\(sweep.id.prefix(8))'"), ["child0", "child1"])
        XCTAssertEqual(try names("parent = '\(sweep.id.prefix(8).uppercased())'"), ["child0", "child1"], "ids are case-insensitive")
        XCTAssertEqual(try names("attributes.parent = '\(other.id.prefix(6))'"), ["child2"])
        XCTAssertEqual(try names("parent != '\(sweep.id.prefix(8))'"), ["sweep", "plain-parent", "child2", "alone"])
        XCTAssertEqual(try names("parent IS NOT NULL"), ["child0", "child1", "child2"])
        XCTAssertEqual(try names("parent = 'zzzz'"), [])
        XCTAssertEqual(try names("parent = '\(sweep.id.prefix(8))' and params.d = '1'"), ["child1"])
    }

    func testSweepMatchesTheSweepsParentAndChildren() throws {
        XCTAssertEqual(try names("sweep = '\(sweep.id.prefix(8))'"), ["sweep", "child0", "child1"])
        XCTAssertEqual(try names("sweep IS NULL"), ["plain-parent", "child2", "alone"], "a parent that is not a sweep makes no sweep")
        XCTAssertEqual(try names("sweep = '\(other.id)'"), [])
    }

    func testParentAndSweepAreKnownAttributes() {
        XCTAssertTrue(FilterField.attributes.isSuperset(of: ["parent", "sweep"]))
    }
}
