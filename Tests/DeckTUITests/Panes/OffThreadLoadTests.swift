import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The dashboard never waits for the store: each pane and view queues its queries on a
/// background queue, shows a loading state at once, and takes the answer on a later tick.
final class OffThreadLoadTests: XCTestCase {
    func testDatasetPaneAndViewsLoadOffTheUIThread() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            assertLoadsOffThread(DatasetsPane(context: context), loading: "Loading datasets", loaded: "price rise")
            assertLoadsOffThread(DatasetVersionsView(context: context, dataset: "churn"), loading: "Loading churn's versions", loaded: "more customers")
            assertLoadsOffThread(DatasetVersionView(context: context, reference: "churn@3"), loading: "Loading churn@3", loaded: "6 rows × 3 columns")
        }
    }

    func testModelVersionsViewLoadsOffTheUIThread() throws {
        let store = try makeRegistryStore()
        MainActor.assumeIsolated {
            assertLoadsOffThread(ModelVersionsView(context: PaneContext(store: store), model: "churn-model"),
                                 loading: "Loading churn-model's versions", loaded: "max_depth=5")
        }
    }

    func testRunViewLoadsOffTheUIThreadWithItsStepsAndChart() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        let calledOnMain = Mailbox<Bool>()
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            context.stepsOfRun = { _ in
                calledOnMain.post(Thread.isMainThread)
                return [RunStepItem(name: "prepare", state: "FINISHED")]
            }
            let view = RunDetailView(context: context, runID: runs["gamma"]!.id, name: "gamma")
            assertLoadsOffThread(view, loading: "Loading gamma", loaded: "max_depth")
            XCTAssertEqual(calledOnMain.take(), [false], "the steps are read on the loader's queue")
            XCTAssertEqual(view.series.map(\.key), ["train-auc", "validation-auc"], "the chart's series arrive too")
            XCTAssertEqual(view.steps.map(\.name), ["prepare"])
        }
    }

    func testAHiddenPaneDoesNotReloadUntilItShowsAgain() throws {
        let store = try makeRegistryStore()
        try MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let datasets = DatasetsPane(context: context), models = ModelsPane(context: context)
            let app = AppModel(panes: [datasets, models], size: Size(width: 120, height: 30))
            datasets.waitForLoad(); models.waitForLoad()
            app.switchPane(1)
            try addDataset(store, name: "extra")
            context.storeChanged()
            app.tick()
            datasets.waitForLoad()
            XCTAssertEqual(datasets.datasets.map(\.name), ["churn"], "hidden: no reload on a store change")
            app.switchPane(0)
            app.tick()
            datasets.waitForLoad()
            XCTAssertEqual(datasets.datasets.map(\.name).sorted(), ["churn", "extra"], "shown again: reloaded")
        }
    }

    func testAViewUnderAnotherDoesNotReloadUntilItIsOnTopAgain() throws {
        let store = try makeRegistryStore()
        try MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let app = AppModel(panes: [DatasetsPane(context: context)], size: Size(width: 120, height: 30))
            app.topView.waitForLoad()
            app.send(.enter)
            let versions = try XCTUnwrap(app.topView as? DatasetVersionsView)
            versions.waitForLoad()
            app.send(.enter)   // churn@3 on top
            try addDataset(store, name: "churn")
            context.storeChanged()
            app.tick()
            versions.waitForLoad()
            XCTAssertEqual(versions.versions.count, 3, "under another view: no reload")
            app.send(.escape)
            app.tick()
            versions.waitForLoad()
            XCTAssertEqual(versions.versions.map(\.number), [4, 3, 2, 1], "on top again: reloaded")
        }
    }

    func testPromoteShowsABusyMarkUntilTheWriteEnds() throws {
        let store = try makeRegistryStore()
        try MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let pane = ModelsPane(context: context)
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            context.attach(to: app)
            pane.waitForLoad()
            app.send(.enter)
            let view = try XCTUnwrap(app.topView as? ModelVersionsView)
            view.waitForLoad()
            app.send(.char("p")); app.send(.char("y"))   // v3
            XCTAssertFalse(app.isDialogOpen)
            XCTAssertEqual(view.promoting, 3)
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            let row = try XCTUnwrap(canvas.trimmedLines().first { $0.contains("v3") && $0.contains("promoting") }, canvas.text)
            XCTAssertTrue(row.contains("⟳ promoting…"), row)
            XCTAssertNotNil(view.bindings.first { $0.key == .char("p") }?.disabledReason, "no second promote while one is written")
            waitForWrites(app, context)
            XCTAssertNil(view.promoting)
            XCTAssertEqual(app.currentToast?.message, "churn-model@production → v3")
            XCTAssertEqual(view.production?.version, 3, "the view reloaded after the write")
            app.render(into: canvas)
            XCTAssertFalse(canvas.text.contains("promoting"), canvas.text)
        }
    }

    func testTheFooterShowsAWriteInFlightThenItsToastOrError() throws {
        let store = try makeTestStore()
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let app = AppModel(panes: [DatasetsPane(context: context)], size: Size(width: 120, height: 30))
            context.attach(to: app)
            let gate = DispatchSemaphore(value: 0)
            context.writes.perform("saving things…", failure: "could not save") { _ in gate.wait(); return "saved" }
            app.tick()
            let canvas = Canvas(width: 120, height: 30)
            app.render(into: canvas)
            XCTAssertTrue(canvas.trimmedLines()[28].contains("⟳ saving things…"), canvas.text)
            let before = context.storeVersion
            gate.signal()
            context.writes.waitForWrites()
            app.tick()
            XCTAssertEqual(app.currentToast?.message, "saved")
            XCTAssertNil(app.busyStatus)
            XCTAssertEqual(context.storeVersion, before + 1, "a write marks the store changed")
            struct Refused: Error, CustomStringConvertible { var description: String { "the alias is locked" } }
            context.writes.perform("saving…", failure: "could not save") { _ in throw Refused() }
            context.writes.waitForWrites()
            app.tick()
            XCTAssertEqual(app.currentToast?.message, "could not save: the alias is locked")
            XCTAssertEqual(app.currentToast?.kind, .error)
        }
    }
}

/// A view that had queried the store in `init` would draw its data on the first render.
@MainActor
func assertLoadsOffThread(_ view: any View, loading: String, loaded: String,
                          file: StaticString = #filePath, line: UInt = #line) {
    let first = renderView(view, width: 130, height: 32).text
    XCTAssertTrue(first.contains(loading), "first render shows the loading state\n" + first, file: file, line: line)
    XCTAssertFalse(first.contains(loaded), "no data before the answer is applied\n" + first, file: file, line: line)
    view.waitForLoad()
    let text = renderView(view, width: 130, height: 32).text
    XCTAssertTrue(text.contains(loaded), text, file: file, line: line)
}

/// Adds a small CSV as a new version of `name`.
func addDataset(_ store: DeckStore, name: String) throws {
    let url = store.workspace.root.appendingPathComponent("\(name)-\(UUID().uuidString).csv")
    try Data("customer_id,plan,charges\nc9,basic,9\n".utf8).write(to: url)
    _ = try DatasetAdder.add(DatasetAddRequest(name: name, path: url.path, message: "added", keyColumns: ["customer_id"]), to: store)
}
