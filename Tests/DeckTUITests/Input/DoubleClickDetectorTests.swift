import XCTest
@testable import DeckTUI

final class DoubleClickDetectorTests: XCTestCase {
    func testTwoPressesOnOneCellWithinTheIntervalAreADoubleClick() {
        var d = DoubleClickDetector(interval: 0.4)
        XCTAssertEqual(d.classify(MouseEvent(.press, x: 5, y: 3), at: 10.0).kind, .press)
        XCTAssertEqual(d.classify(MouseEvent(.release, x: 5, y: 3), at: 10.05).kind, .release)
        XCTAssertEqual(d.classify(MouseEvent(.press, x: 5, y: 3), at: 10.2).kind, .doubleClick)
        // A third press starts over instead of making a second double click.
        XCTAssertEqual(d.classify(MouseEvent(.press, x: 5, y: 3), at: 10.3).kind, .press)
    }

    func testTwoClicksAsXtermSendsThemAreADoubleClick() {
        var d = DoubleClickDetector(interval: 0.4)
        XCTAssertEqual(d.classify(MouseEvent(.click, x: 7, y: 2), at: 1.0).kind, .click)
        XCTAssertEqual(d.classify(MouseEvent(.click, x: 7, y: 2), at: 1.09).kind, .doubleClick)
    }

    func testSlowPressesOrAnotherCellStayPresses() {
        var d = DoubleClickDetector(interval: 0.4)
        _ = d.classify(MouseEvent(.press, x: 5, y: 3), at: 10.0)
        XCTAssertEqual(d.classify(MouseEvent(.press, x: 5, y: 3), at: 10.5).kind, .press, "too slow")
        XCTAssertEqual(d.classify(MouseEvent(.press, x: 6, y: 3), at: 10.6).kind, .press, "another cell")
        XCTAssertEqual(d.classify(MouseEvent(.wheelDown, x: 6, y: 3), at: 10.65).kind, .wheelDown)
        XCTAssertEqual(d.classify(MouseEvent(.press, x: 6, y: 3), at: 10.7).kind, .doubleClick, "the wheel does not break it")
    }
}

final class TableMouseTests: XCTestCase {
    /// In a real terminal a click selects the row under it and a double click opens it, on every
    /// list pane (only Runs did before; the xterm check found Models and Datasets ignored both).
    func testClickSelectsAndDoubleClickOpensOnModelsAndDatasets() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            let models = ModelsPane(context: PaneContext(store: store))
            let datasets = DatasetsPane(context: PaneContext(store: store))
            let app = AppModel(panes: [datasets, models], size: Size(width: 120, height: 30))
            datasets.waitForLoad()
            // Content starts on screen row 1; the list's header is its line 0, the first item line 1.
            app.send(.mouse(MouseEvent(.doubleClick, x: 4, y: 1 + 1)))
            let versions = app.topView as? DatasetVersionsView
            XCTAssertNotNil(versions, "a double click on the churn row opens its versions")
            versions?.waitForLoad()
            app.send(.mouse(MouseEvent(.press, x: 4, y: 1 + 3)))   // the third version row
            XCTAssertEqual(versions?.state.selected, 2)
            app.send(.mouse(MouseEvent(.press, x: 4, y: 1 + 25)))  // below the rows: nothing
            XCTAssertEqual(versions?.state.selected, 2)
            app.switchPane(1)
            models.waitForLoad()
            app.send(.mouse(MouseEvent(.press, x: 4, y: 1 + 1)))
            XCTAssertTrue(app.topView === models, "a single press only selects")
            app.send(.mouse(MouseEvent(.doubleClick, x: 4, y: 1 + 1)))
            XCTAssertTrue(app.topView is ModelVersionsView, "a double click opens the model's versions")
        }
    }
}
