import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

final class RunDetailViewTests: XCTestCase {
    func testEnterOpensTheRunWithParamsLineageAndTheTrainingCurves() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        try MainActor.assumeIsolated {
            let app = AppModel(panes: [RunsPane(context: PaneContext(store: store))], size: Size(width: 130, height: 32))
            let pane = app.panes[0] as! RunsPane
            _ = settle(pane)
            app.send(.char("j")); app.send(.char("j"))   // gamma
            app.send(.enter)
            let view = try XCTUnwrap(app.topView as? RunDetailView)
            view.waitForLoad()
            XCTAssertEqual(app.breadcrumb, ["Runs", "gamma"])
            let canvas = Canvas(width: 130, height: 32)
            app.render(into: canvas)
            let text = canvas.text
            XCTAssertTrue(text.contains("max_depth"), text)
            XCTAssertTrue(text.contains("churn@2"), text)
            // The chart: the auc group with train and validation overlaid.
            XCTAssertEqual(view.groups[view.groupIndex].keys, ["train-auc", "validation-auc"])
            XCTAssertTrue(text.contains("━ train-auc"), text)
            XCTAssertTrue(text.contains("━ validation-auc"), text)
            let braille = text.unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }.count
            XCTAssertGreaterThan(braille, 20, "curves are drawn in braille")
            app.send(.escape)
            XCTAssertTrue(app.topView === pane)
        }
    }

    func testLogTabTailsTheFileAndSearches() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        let id = runs["epsilon"]!.id
        let logURL = store.logURL(of: id)
        try FileManager.default.createDirectory(at: logURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("[0] train-auc:0.5\n[1] train-auc:0.6\n".utf8).write(to: logURL)
        try MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            var clock = 1_000.0
            context.now = { clock }
            let view = RunDetailView(context: context, runID: id, name: "epsilon")
            view.waitForLoad()
            _ = view.press(.char("]"))
            XCTAssertEqual(view.tab, .log)
            var canvas = renderView(view)
            XCTAssertTrue(canvas.text.contains("[1] train-auc:0.6"))
            let h = try FileHandle(forWritingTo: logURL)
            try h.seekToEnd(); h.write(Data("[2] ERROR something broke\n".utf8)); try h.close()
            clock += 1
            XCTAssertTrue(view.tick(), "new log lines redraw")
            canvas = renderView(view)
            let p = try XCTUnwrap(canvas.find("[2] ERROR"))
            XCTAssertEqual(canvas.style(at: p).fg, Theme.defaultTheme[.error].fg)
            _ = view.press(.char("/"))
            XCTAssertTrue(view.capturesText)
            for c in "train" { _ = view.press(.char(c)) }
            _ = view.press(.enter)
            canvas = renderView(view)
            XCTAssertTrue(canvas.text.contains("1/2"), canvas.text)
        }
    }

    func testStepsAndArtifactsTabs() throws {
        let store = try makeTestStore()
        let runs = try seedRuns(store)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID()).json")
        try Data(repeating: 65, count: 2048).write(to: file)
        try store.logArtifact(run: runs["beta"]!, path: "model/model.json", file: file)
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            context.stepsOfRun = { _ in [RunStepItem(name: "prepare", state: "FINISHED", duration: 1.5, cacheHit: true),
                                         RunStepItem(name: "train", state: "RUNNING")] }
            let view = RunDetailView(context: context, runID: runs["beta"]!.id, name: "beta")
            view.waitForLoad()
            _ = view.press(.char("]")); _ = view.press(.char("]"))
            XCTAssertEqual(view.tab, .steps)
            var text = renderView(view).text
            XCTAssertTrue(text.contains("prepare"), text)
            XCTAssertTrue(text.contains("hit"), text)
            XCTAssertTrue(text.contains("1.5s"), text)
            _ = view.press(.char("]"))
            text = renderView(view).text
            XCTAssertTrue(text.contains("model/model.json"), text)
            XCTAssertTrue(text.contains("2.0 KiB"), text)
        }
    }
}
