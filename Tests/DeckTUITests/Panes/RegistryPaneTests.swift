import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// A store with dataset `churn` in three versions (v2 adds rows, v3 changes charges) and model
/// `churn-model` with three versions, `production` on v2.
func makeRegistryStore() throws -> DeckStore {
    let store = try makeTestStore()
    let dir = store.workspace.root
    let header = "customer_id,plan,charges\n"
    let v1 = header + "c1,basic,10\nc2,pro,20\nc3,basic,11\nc4,pro,21\n"
    let v2 = v1 + "c5,basic,12\nc6,max,40\n"
    let v3 = header + "c1,basic,13\nc2,pro,26\nc3,basic,14\nc4,pro,27\nc5,basic,15\nc6,max,52\n"
    for (i, text) in [v1, v2, v3].enumerated() {
        let url = dir.appendingPathComponent("d\(i + 1).csv")
        try Data(text.utf8).write(to: url)
        _ = try DatasetAdder.add(DatasetAddRequest(name: "churn", path: url.path, message: ["first", "more customers", "price rise"][i],
                                                   keyColumns: ["customer_id"]), to: store)
    }
    let object = try store.objects.put(Data("{}".utf8))
    for (i, auc) in [0.80, 0.85, 0.88].enumerated() {
        try store.registerModelVersion(NewModelVersion(model: "churn-model", modelObject: object, task: "binary",
                                                       metrics: ["auc": auc, "logloss": 0.5 - Double(i) * 0.05],
                                                       params: ["max_depth": "\(3 + i)"], datasetName: "churn", datasetVersionNumber: i + 1),
                                       alias: i == 1 ? "production" : nil, author: "test")
    }
    return store
}

final class ModelsPaneTests: XCTestCase {
    func testModelsListShowsProductionAndVersionsWithAliases() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            let pane = ModelsPane(context: PaneContext(store: store))
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            pane.waitForLoad()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            let line = canvas.trimmedLines().first { $0.contains("churn-model") }!
            XCTAssertTrue(line.contains("auc 0.88"), line)
            XCTAssertTrue(line.contains("v2"), line)   // production
            let p = canvas.find("v2")!
            XCTAssertEqual(canvas.style(at: p).fg, Theme.defaultTheme[.aliasProduction].fg)
            app.send(.enter)
            let view = app.topView as! ModelVersionsView
            view.waitForLoad()
            XCTAssertEqual(view.versions.map(\.version), [3, 2, 1])
            app.render(into: canvas)
            let text = canvas.text
            XCTAssertTrue(text.contains("production"), text)
            XCTAssertTrue(text.contains("max_depth=5"), "details of the selected version (v3)\n" + text)
            XCTAssertTrue(text.contains("+0.03 vs prod"), text)
        }
    }

    func testPromoteAsksWithMetricDeltasThenMovesTheAlias() throws {
        let store = try makeRegistryStore()
        try MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let pane = ModelsPane(context: context)
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            context.attach(to: app)
            pane.waitForLoad()
            app.send(.enter)
            app.topView.waitForLoad()
            app.send(.char("p"))   // v3 is selected
            guard case .dialog(let dialog, _) = app.overlay else { return XCTFail("no dialog") }
            XCTAssertTrue(dialog.body.contains("from v2 to v3"), dialog.body)
            XCTAssertTrue(dialog.body.contains("auc: 0.85 → 0.88 (+0.03)"), dialog.body)
            XCTAssertTrue(dialog.body.contains("logloss: 0.45 → 0.4 (-0.05)"), dialog.body)
            XCTAssertEqual(dialog.focused, 1, "a dangerous dialog starts on Cancel")
            app.send(.enter)   // Cancel
            XCTAssertEqual(try store.modelVersion(model: "churn-model", alias: "production")?.version, 2)
            app.send(.char("p"))
            app.send(.char("y"))
            XCTAssertFalse(app.isDialogOpen, "the dialog closes at once; the write runs off the UI thread")
            waitForWrites(app, context)
            XCTAssertEqual(try store.modelVersion(model: "churn-model", alias: "production")?.version, 3)
            XCTAssertEqual(app.currentToast?.message, "churn-model@production → v3")
            let history = try store.aliasHistory(model: "churn-model", alias: "production")
            XCTAssertEqual(history.first?.fromVersion, 2)
            XCTAssertEqual(history.first?.toVersion, 3)
            // Promoting the production version again is refused with a reason.
            app.send(.char("p"))
            XCTAssertFalse(app.isDialogOpen)
            XCTAssertTrue(app.currentToast?.message.contains("already in production") == true)
        }
    }

    func testReadOnlyRefusesPromotion() throws {
        let store = try makeRegistryStore()
        try MainActor.assumeIsolated {
            let pane = ModelsPane(context: PaneContext(store: store))
            let app = AppModel(panes: [pane], readOnly: true, size: Size(width: 120, height: 30))
            pane.waitForLoad()
            app.send(.enter)
            app.topView.waitForLoad()
            app.send(.char("p"))
            XCTAssertFalse(app.isDialogOpen)
            XCTAssertTrue(app.currentToast?.message.contains("read-only") == true)
            XCTAssertEqual(try store.modelVersion(model: "churn-model", alias: "production")?.version, 2)
        }
    }
}

extension ModelsPaneTests {
    /// Each model shows its own headline metric: a regressor its rmse, not a '-' under `auc`.
    func testEachModelShowsItsOwnHeadlineMetric() throws {
        let store = try makeRegistryStore()
        let object = try store.objects.put(Data("regressor".utf8))
        try store.registerModelVersion(NewModelVersion(model: "price-model", modelObject: object, task: "regression",
                                                       signature: [], metrics: ["rmse": 3.25, "r2": 0.71], params: [:]))
        MainActor.assumeIsolated {
            let pane = ModelsPane(context: PaneContext(store: store))
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            XCTAssertTrue(pane.models.isEmpty || pane.models.count == 2, "loaded off the UI thread")
            pane.waitForLoad()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            let lines = canvas.trimmedLines()
            XCTAssertTrue(lines.first { $0.contains("price-model") }?.contains("rmse 3.25") == true, canvas.text)
            XCTAssertTrue(lines.first { $0.contains("churn-model") }?.contains("auc 0.88") == true, canvas.text)
        }
    }
}

final class DatasetsPaneTests: XCTestCase {
    func testDatasetsVersionsAndAVersionsStatistics() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            let app = AppModel(panes: [DatasetsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            app.topView.waitForLoad()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            let line = canvas.trimmedLines().first { $0.contains("churn") }!
            XCTAssertTrue(line.contains("v3"), line)
            XCTAssertTrue(line.contains("price rise"), line)
            app.send(.enter)
            let versions = app.topView as! DatasetVersionsView
            versions.waitForLoad()
            XCTAssertEqual(versions.versions.map(\.number), [3, 2, 1])
            app.render(into: canvas)
            XCTAssertTrue(canvas.text.contains("more customers"))
            app.send(.enter)   // v3
            let view = app.topView as! DatasetVersionView
            view.waitForLoad()
            XCTAssertEqual(app.breadcrumb, ["Datasets", "churn", "churn@3"])
            app.send(.char("j")); app.send(.char("j"))   // charges
            XCTAssertEqual(view.selectedColumn?.name, "charges")
            app.render(into: canvas)
            let text = canvas.text
            XCTAssertTrue(text.contains("6 rows × 3 columns"), text)
            XCTAssertTrue(text.contains("min 13 · max 52"), text)
            XCTAssertTrue(text.contains("plan"), text)
            let blocks = text.unicodeScalars.filter { (0x2581...0x2588).contains($0.value) }.count
            XCTAssertGreaterThan(blocks, 0, "a histogram is drawn\n" + text)
        }
    }

    func testDiffOfTheSelectedVersionAgainstItsParentAndOfTwoMarked() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            let app = AppModel(panes: [DatasetsPane(context: PaneContext(store: store))], size: Size(width: 120, height: 30))
            app.topView.waitForLoad()
            app.send(.enter)
            app.topView.waitForLoad()
            app.send(.char("d"))   // v3 against v2
            let diff = app.topView as! DatasetDiffView
            XCTAssertEqual(diff.oldNumber, 2); XCTAssertEqual(diff.newNumber, 3)
            diff.waitForDiff()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            var text = canvas.text
            XCTAssertTrue(text.contains("churn@2 → churn@3"), text)
            XCTAssertTrue(text.contains("~6 changed"), text)
            XCTAssertTrue(text.contains("charges"), text)
            app.send(.escape)
            // Mark v2 and v1: the diff compares them, older first.
            app.send(.char("j")); app.send(.char(" ")); app.send(.char(" "))
            app.send(.char("d"))
            let d2 = app.topView as! DatasetDiffView
            XCTAssertEqual(d2.oldNumber, 1); XCTAssertEqual(d2.newNumber, 2)
            d2.waitForDiff()
            app.render(into: canvas)
            text = canvas.text
            XCTAssertTrue(text.contains("+2 added"), text)
        }
    }
}

/// Waits for the context's background writes, then lets the app take their toasts and the
/// visible view reload (what the dashboard's loop does between keys).
@MainActor
func waitForWrites(_ app: AppModel, _ context: PaneContext) {
    context.writes.waitForWrites()
    app.tick()
    app.topView.waitForLoad()
    app.tick()
}
