import DeckStore
import XCTest
@testable import DeckTUI

/// ctrl-k on a running run asks, then cancels it through the engine's RunCanceller: the run
/// ends KILLED in the store. Refused on an ended run and in read-only mode.
final class RunCancelTests: XCTestCase {
    func testConfirmedCancelEndsTheRunKilled() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let pane = RunsPane(context: context)
            let app = AppModel(panes: [pane], size: Size(width: 120, height: 30))
            context.attach(to: app)
            _ = settle(pane)
            XCTAssertEqual(pane.selectedRun?.run.name, "epsilon")   // newest first, RUNNING
            app.send(.ctrl("k"))
            guard case .dialog(let d, _) = app.overlay else { return XCTFail("ctrl-k asks first") }
            XCTAssertTrue(d.dangerous)
            XCTAssertTrue(d.body.contains("It ends KILLED"), d.body)
            app.send(.escape)                                       // cancelled: nothing happens
            context.writes.waitForWrites()
            XCTAssertEqual(try? store.resolveRun(runs["epsilon"]!.id).status, .running)
            app.send(.ctrl("k")); app.send(.char("y"))
            context.writes.waitForWrites()
            app.tick()
            XCTAssertEqual(try? store.resolveRun(runs["epsilon"]!.id).status, .killed)
            XCTAssertEqual(app.currentToast?.message, "run epsilon ended KILLED")
            // An ended run cannot be cancelled.
            app.send(.char("j"))
            app.send(.ctrl("k"))
            XCTAssertFalse(app.isDialogOpen)
            XCTAssertTrue(app.currentToast?.message.contains("already ended") == true, app.currentToast?.message ?? "")
        }
    }

    func testCancelIsRefusedReadOnlyAndOffersInTheRunView() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let pane = RunsPane(context: context)
            let app = AppModel(panes: [pane], readOnly: true, size: Size(width: 120, height: 30))
            _ = settle(pane)
            app.send(.ctrl("k"))
            XCTAssertFalse(app.isDialogOpen)
            XCTAssertTrue(app.currentToast?.message.contains("read-only") == true)
            let view = RunDetailView(context: context, runID: runs["epsilon"]!.id, name: "epsilon")
            view.waitForLoad()
            guard case .effect(.confirm) = view.perform(.ctrl("k")) else { return XCTFail("the run view cancels too") }
        }
    }
}
