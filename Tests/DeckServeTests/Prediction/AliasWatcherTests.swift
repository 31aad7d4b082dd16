import DeckEngine
import DeckML
import DeckStore
import DeckTestSupport
import Foundation
import XCTest
@testable import DeckServe

/// The watcher keeps serving when the alias moves to a version it cannot load, and says so once
/// (not at every check), and again once something changed.
final class AliasWatcherTests: XCTestCase {
    func testAVersionThatCannotBeLoadedIsWarnedAboutOnceAndTheOldOneKeepsServing() throws {
        let workspace = try TemporaryWorkspace(prefix: "alias-watcher")
        defer { workspace.cleanup() }
        let store = workspace.store
        let spec = try store.objects.put(try PreprocessingSpec(target: "y", task: .binary, classes: ["a", "b"], inputs: [],
                                                               featureNames: [], excluded: []).jsonData())
        func broken(_ text: String) throws -> Int {
            try store.registerModelVersion(NewModelVersion(model: "m", modelObject: try store.objects.put(Data(text.utf8)),
                                                           preprocessingObject: spec, task: "binary", signature: [], metrics: [:], params: [:])).version
        }
        let first = try broken("not a model"), _ = try broken("stands for the version served"), second = try broken("not a model either")
        XCTAssertEqual([first, second], [1, 3])
        let served = try ShadowGroupScoringTests.servedModel()   // version 2 of "m", loaded in memory
        XCTAssertEqual(served.version.version, 2)
        _ = try store.setModelAlias(model: "m", alias: "staging", version: first, author: "test", reason: nil, runID: nil)

        let told = Shared<[String]>([])
        let watcher = AliasWatcher(store: store, slot: ModelSlot(served), model: "m", alias: "staging", strictColumns: false,
                                   warn: { line in told.update { $0.append(line) } })
        for _ in 0..<5 { XCTAssertNil(watcher.checkOnce()) }
        XCTAssertEqual(told.read { $0.count }, 1, told.read { $0 }.joined(separator: "\n"))
        XCTAssertTrue(told.read { $0[0] }.contains("version 1 of m@staging could not be loaded"), told.read { $0[0] })
        XCTAssertTrue(told.read { $0[0] }.contains("still serving version 2"), told.read { $0[0] })
        XCTAssertEqual(watcher.slot.current.version.version, 2, "the old version keeps serving")

        // Another version that fails is news; so is the same failure after a check that did not fail.
        _ = try store.setModelAlias(model: "m", alias: "staging", version: second, author: "test", reason: nil, runID: nil)
        watcher.checkOnce(); watcher.checkOnce()
        XCTAssertEqual(told.read { $0.count }, 2)
        XCTAssertTrue(told.read { $0[1] }.contains("version \(second) of m@staging"), told.read { $0[1] })
        _ = try store.setModelAlias(model: "m", alias: "staging", version: 2, author: "test", reason: nil, runID: nil)
        XCTAssertNil(watcher.checkOnce(), "the alias points at the version served: nothing to load")
        _ = try store.setModelAlias(model: "m", alias: "staging", version: second, author: "test", reason: nil, runID: nil)
        watcher.checkOnce()
        XCTAssertEqual(told.read { $0.count }, 3)
    }

    func testReloadWarningsTellEachNewFailureOnce() {
        var warnings = ReloadWarnings()
        XCTAssertTrue(warnings.isNew(version: 3, message: "corrupt"))
        XCTAssertFalse(warnings.isNew(version: 3, message: "corrupt"))
        XCTAssertTrue(warnings.isNew(version: 3, message: "missing object"))
        XCTAssertTrue(warnings.isNew(version: 4, message: "missing object"))
        XCTAssertTrue(warnings.isNew(version: nil, message: "missing object"))
        warnings.clear()
        XCTAssertTrue(warnings.isNew(version: nil, message: "missing object"))
    }
}
