import DeckStore
import DeckTestSupport
import XCTest

/// `RunAttribute` is the one table of run attributes: every attribute must filter, order and
/// display the same way in the SQLite store (its SQL) and in the in-memory store (its value),
/// so an attribute added to the table without its SQL or its value fails here.
final class RunAttributeTests: XCTestCase {
    /// Two runs that differ in every attribute; the child is a sweep child of the parent.
    private func makeRuns(_ store: any WorkspaceStore) throws -> (parent: RunRecord, child: RunRecord) {
        let base = 1_800_000_000.0
        let parentHandle = try store.createRun(RunStart(name: "sweep-parent", experiment: "exp-a", command: "mldeck run a",
                                                        pipeline: "pa", tags: ["mldeck.sweep": "1"],
                                                        lineage: RunLineage(datasetVersion: "churn@1", trigger: "manual"),
                                                        owner: nil, startTime: base))
        try store.finishRun(parentHandle, status: .finished, exitCode: 0, signal: nil, reason: nil, endTime: base + 100)
        let childHandle = try store.createRun(RunStart(name: "child", experiment: "exp-b", command: "mldeck run b",
                                                       pipeline: "pb",
                                                       lineage: RunLineage(datasetVersion: "churn@2", parentRunID: parentHandle.id, trigger: "sweep"),
                                                       owner: nil, startTime: base + 500))
        try store.finishRun(childHandle, status: .failed, exitCode: 1, signal: nil, reason: nil, endTime: base + 530)
        let runs = try store.listRuns(RunQuery())
        return (try XCTUnwrap(runs.first { $0.run.id == parentHandle.id }).run, try XCTUnwrap(runs.first { $0.run.id == childHandle.id }).run)
    }

    private func literal(_ value: FilterValue) -> String {
        switch value {
        case .string(let s): return "'\(s)'"
        case .number(let n): return String(format: "%.0f", n)
        case .bool(let b): return b ? "1" : "0"
        }
    }

    func testEveryAttributeFiltersToTheSameRunInBothStores() throws {
        try StoreImplementation.each(prefix: "run-attributes") { kind, store, _ in
            let (parent, child) = try makeRuns(store)
            for attribute in RunAttribute.allCases where attribute != .sweep {
                let now = Date().timeIntervalSince1970
                let value = try XCTUnwrap(attribute.filterValue(of: child, now: now), "\(attribute) has a value for the child")
                XCTAssertNotEqual(attribute.filterValue(of: parent, now: now), value, "\(attribute) tells the two runs apart")
                // Durations change while a test runs only for running runs; both are finished.
                let filter = "\(attribute.fieldName) = \(literal(value))"
                let found = try store.listRuns(RunQuery(filter: filter)).map(\.run.id)
                XCTAssertEqual(found, [child.id], "\(kind): \(filter)")
                for alias in attribute.aliases {
                    let viaAlias = try store.listRuns(RunQuery(filter: "\(alias) = \(literal(value))")).map(\.run.id)
                    XCTAssertEqual(viaAlias, [child.id], "\(kind): alias \(alias)")
                }
                let ordered = try store.listRuns(RunQuery(orderBy: try RunOrder.parseList("\(attribute.fieldName) DESC"))).map(\.run.id)
                XCTAssertEqual(Set(ordered), [parent.id, child.id], "\(kind): order by \(attribute)")
            }
        }
    }

    func testSweepIsResolvedByTheSQLStore() throws {
        let made = try StoreImplementation.sqlite.make(prefix: "run-attributes-sweep")
        defer { made.cleanup() }
        let (parent, child) = try makeRuns(made.store)
        let members = try made.store.listRuns(RunQuery(filter: "sweep = '\(parent.id)'")).map(\.run.id)
        XCTAssertEqual(Set(members), [parent.id, child.id])
    }

    func testSpellingsAndDisplay() throws {
        XCTAssertEqual(RunAttribute(named: "ID"), .id)
        XCTAssertEqual(RunAttribute(named: "start"), .startTime)
        XCTAssertEqual(RunAttribute(named: "run_name"), .name)
        XCTAssertNil(RunAttribute(named: "bogus"))
        XCTAssertEqual(FilterField.attributes, RunAttribute.spellings)
        XCTAssertTrue(RunAttribute.spellings.isSuperset(of: RunAttribute.allCases.map(\.fieldName)))
        let record = RunRecord(id: String(repeating: "ab", count: 16), name: "n", experiment: "e", status: .finished, statusReason: nil,
                               startTime: 1_800_000_000, endTime: 1_800_000_065, exitCode: 0, exitSignal: nil, command: nil,
                               pipeline: nil, deleted: false, lineage: RunLineage())
        XCTAssertEqual(RunAttribute.id.text(of: record, now: 0), "abababab")
        XCTAssertEqual(RunAttribute.duration.text(of: record, now: 0), "1m05s")
        XCTAssertNil(RunAttribute.pipeline.text(of: record, now: 0))
        XCTAssertFalse(RunAttribute.sweep.isColumn)
    }
}
