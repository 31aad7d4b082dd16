import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// The Pipelines pane's triggers: for the selected pipeline, each trigger with its state, its
/// last firing (the run it started and why) and its next firing and why, as `mldeck triggers list`.
final class PipelinesTriggersTests: XCTestCase {
    static let yaml = """
    pipelines:
      churn:
        steps:
          train: {run: echo train}
        triggers:
          - {on: schedule, cron: "0 3 * * *", timezone: UTC}
          - {on: code-change}
      other:
        steps:
          hello: {run: echo hi}
    """

    func testTriggersShowLastAndNextFiringAndWhy() throws {
        let store = try makeTestStore()
        try Self.yaml.write(to: store.workspace.configURL, atomically: true, encoding: .utf8)
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        let schedule = try XCTUnwrap(TriggerDefinition.all(in: config).first { $0.on == "schedule" })
        // The schedule fired an hour ago and its run finished.
        let now = Date().timeIntervalSince1970
        let run = try store.createRun(RunStart(name: "nightly", experiment: "churn", status: .running, pipeline: "churn", owner: nil, startTime: now - 3_600))
        try store.finishRun(run, status: .finished, endTime: now - 3_000)
        let firing = try XCTUnwrap(try store.recordTriggerCheck(
            TriggerStateRecord(pipeline: "churn", triggerKey: schedule.key, lastSeen: nil, checkedAt: now - 3_600),
            firing: TriggerFiring(kind: "schedule", reason: "scheduled for 03:00", at: now - 3_600, debounce: 0)))
        try store.updateTriggerFirings([firing], status: .started, runID: run.id, at: now - 3_600)
        try store.finishTriggerFirings(runID: run.id, runStatus: "FINISHED", at: now - 3_000)

        // The next 03:00 UTC, counted by hand.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var next = utc.date(bySettingHour: 3, minute: 0, second: 0, of: Date(timeIntervalSince1970: now))!
        if next.timeIntervalSince1970 <= now { next = utc.date(byAdding: .day, value: 1, to: next)! }
        let day = utc.dateComponents([.year, .month, .day], from: next)
        let nextText = String(format: "%04d-%02d-%02d 03:00 UTC", day.year!, day.month!, day.day!)

        MainActor.assumeIsolated {
            let pane = PipelinesPane(context: PaneContext(store: store))
            pane.waitForLoad()
            let canvas = renderView(pane, width: 160, height: 30)
            let lines = canvas.trimmedLines()
            XCTAssertTrue(canvas.text.contains("Triggers of churn"), canvas.text)
            let scheduled = lines.first { $0.contains("schedule") && $0.contains("IDLE") } ?? ""
            XCTAssertTrue(scheduled.contains("1h ago → run \(run.id.prefix(8)) FINISHED"), scheduled)
            XCTAssertTrue(scheduled.contains("scheduled for 03:00"), "why it last fired\n" + scheduled)
            XCTAssertTrue(scheduled.contains("in "), "how soon it fires next\n" + scheduled)
            XCTAssertTrue(scheduled.contains(nextText), "when it fires next (\(nextText))\n" + scheduled)
            let code = lines.first { $0.contains("code-change") && !$0.contains("schedule") } ?? ""
            XCTAssertTrue(code.contains("never"), code)
            XCTAssertTrue(code.contains("when the pipeline's definition"), code)
            // A pipeline without triggers draws no trigger table.
            pane.state.selected = 1
            XCTAssertFalse(renderView(pane, width: 160, height: 30).text.contains("Triggers of"))
        }
    }
}
