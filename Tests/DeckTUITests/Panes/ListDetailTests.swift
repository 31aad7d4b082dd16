import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The Datasets and Models lists show the selected item's detail below them, loaded off the UI
/// thread, following the selection.
final class ListDetailTests: XCTestCase {
    func testModelsListShowsTheSelectedModelsProductionVersionBelow() throws {
        let store = try makeRegistryStore()
        let object = try store.objects.put(Data("{}".utf8))
        try store.registerModelVersion(NewModelVersion(model: "price-model", modelObject: object, task: "regression",
                                                       metrics: ["rmse": 3.5], params: ["max_depth": "9"]),
                                       alias: nil, author: "test")
        MainActor.assumeIsolated {
            let pane = ModelsPane(context: PaneContext(store: store))
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            pane.waitForLoad()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            XCTAssertEqual(pane.selectedModel, "churn-model")
            var text = canvas.text
            XCTAssertTrue(text.contains("churn-model@2  [production]"), text)
            XCTAssertTrue(text.contains("auc 0.85"), text)
            XCTAssertTrue(text.contains("max_depth=4"), text)
            XCTAssertTrue(text.contains("lineage     dataset churn@2"), text)
            // Moving down shows the other model's detail; it has no production version.
            app.send(.char("j"))
            pane.waitForLoad()
            app.render(into: canvas)
            text = canvas.text
            XCTAssertEqual(pane.selectedModel, "price-model")
            XCTAssertTrue(text.contains("no production version yet"), text)
            XCTAssertTrue(text.contains("rmse 3.5"), text)
            XCTAssertFalse(text.contains("churn-model@2  [production]"), text)
        }
    }

    func testDatasetsListShowsTheLatestVersionsColumnsBelow() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            let pane = DatasetsPane(context: PaneContext(store: store))
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            pane.waitForLoad()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            let text = canvas.text
            XCTAssertTrue(text.contains("churn@3  6 rows × 3 columns"), text)
            let charges = canvas.trimmedLines().first { $0.contains("charges  ") }
            XCTAssertNotNil(charges, text)
            // v3's charges are 13, 26, 14, 27, 15, 52: mean 24.5, no missing, 6 distinct.
            XCTAssertTrue(charges?.contains("mean 24.5") == true, text)
            XCTAssertTrue(charges?.contains("0%") == true, charges ?? "")
            let plan = canvas.trimmedLines().first { $0.contains("plan  ") } ?? ""
            XCTAssertTrue(plan.contains("basic (3)"), plan)
        }
    }
}
