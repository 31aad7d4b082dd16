@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// When `production` moves from version 1 to version 2, the runner's monitor pass resolves the
/// open drift and quality alerts of version 1 as superseded (no prediction needs to arrive);
/// the new version's alerts, other models' alerts and other kinds stay open.
final class SupersededAlertsTests: XCTestCase {
    var ws: TemporaryWorkspace!

    override func setUpWithError() throws {
        ws = try TemporaryWorkspace(prefix: "superseded")
        try "monitors:\n  m: {window: 100}\n".write(to: ws.store.workspace.configURL, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { ws?.cleanup() }

    func register(_ model: String) throws -> Int {
        try ws.store.registerModelVersion(NewModelVersion(model: model, modelObject: try ws.store.objects.put(Data(UUID().uuidString.utf8)),
                                                          task: "binary", signature: [SignatureColumn(name: "x", type: "float")])).version
    }

    @discardableResult
    func raise(_ kind: AlertKind, _ model: String, _ version: Int?) throws -> Int64 {
        try ws.store.raiseAlert(NewAlert(kind: kind, severity: .warning, model: model, version: version, window: "w", message: "\(kind)")).alert.id
    }

    func open() throws -> Set<String> {
        Set(try ws.store.alerts(AlertQuery(openOnly: true)).map { "\($0.kind.rawValue) \($0.subject)" })
    }

    func testMovingTheAliasResolvesTheOldVersionsAlerts() throws {
        XCTAssertEqual(try register("m"), 1)
        XCTAssertEqual(try register("m"), 2)
        XCTAssertEqual(try register("other"), 1)
        _ = try ws.store.setModelAlias(model: "m", alias: "production", version: 1, author: "t", reason: nil, runID: nil)
        _ = try ws.store.setModelAlias(model: "other", alias: "production", version: 1, author: "t", reason: nil, runID: nil)
        let drift = try raise(.drift, "m", 1)
        try raise(.quality, "m", 1)
        try raise(.drift, "other", 1)
        try raise(.runFailed, "m", nil)
        let lines = ObservedLines()
        let pass = MonitorPass(store: ws.store) { lines.append($0) }

        XCTAssertEqual(try pass.tick(now: 10).count, 0)
        XCTAssertEqual(try open(), ["drift m@1", "quality m@1", "drift other@1", "run_failed m"], "v1 still serves: nothing resolved")

        _ = try ws.store.setModelAlias(model: "m", alias: "production", version: 2, author: "t", reason: nil, runID: nil)
        try pass.tick(now: 20)
        XCTAssertEqual(try open(), ["drift other@1", "run_failed m"])
        let resolved = try ws.store.alert(id: drift)
        XCTAssertEqual(resolved.resolvedAt, 20)
        XCTAssertEqual(resolved.resolvedReason, "superseded: m@production moved from version 1 to version 2")
        XCTAssertTrue(lines.all.contains("alert #\(drift) drift on m@1 resolved: superseded: m@production moved from version 1 to version 2"), "\(lines.all)")

        // Version 2's own alert stays open; a later round resolves nothing more.
        try raise(.drift, "m", 2)
        try pass.tick(now: 30)
        XCTAssertEqual(try open(), ["drift m@2", "drift other@1", "run_failed m"])
        XCTAssertEqual(try SupersededAlerts.resolve(model: "m", alias: "production", store: ws.store), [])
        XCTAssertEqual(try SupersededAlerts.resolve(model: "m", alias: "staging", store: ws.store), [], "an alias that points nowhere resolves nothing")
    }
}
