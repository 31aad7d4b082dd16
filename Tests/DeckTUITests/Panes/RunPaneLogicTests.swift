import DeckStore
import XCTest
@testable import DeckTUI

final class RunPaneLogicTests: XCTestCase {
    func testMetricGroupsPairTrainingAndValidationCurves() {
        XCTAssertEqual(MetricGroups.split("train-auc").measure, "auc")
        XCTAssertEqual(MetricGroups.split("validation_0-logloss").measure, "logloss")
        XCTAssertEqual(MetricGroups.split("validation_0-logloss").split, "validation_0")
        XCTAssertEqual(MetricGroups.split("loss/val").measure, "loss")
        XCTAssertEqual(MetricGroups.split("learning_rate").measure, "learning_rate")
        let groups = MetricGroups.group(["validation-auc", "train-auc", "auc", "val_loss", "train_loss", "accuracy"])
        XCTAssertEqual(groups.map(\.name), ["accuracy", "auc", "auc (train/validation)", "loss (train/val)"])
        XCTAssertEqual(groups[2].keys, ["train-auc", "validation-auc"])
        XCTAssertEqual(groups[3].keys, ["train_loss", "val_loss"])
    }

    func testRunColumnSpellingsRoundTrip() {
        for c: RunColumn in [.status, .name, .start, .metric("auc"), .param("max_depth"), .tag("note")] {
            XCTAssertEqual(RunColumn(c.description), c)
        }
        XCTAssertNil(RunColumn("bogus"))
        XCTAssertEqual(RunColumn.start.orderField, "start_time")
    }

    func testProgressParsing() {
        XCTAssertEqual(RunProgress.parse("0.25"), 0.25)
        XCTAssertEqual(RunProgress.parse("45%"), 0.45)
        XCTAssertEqual(RunProgress.parse("3/4"), 0.75)
        XCTAssertEqual(RunProgress.parse("7"), 1)
        XCTAssertNil(RunProgress.parse("soon"))
    }

    func testDisplayFormats() {
        XCTAssertEqual(DisplayFormat.duration(0.012), "12ms")
        XCTAssertEqual(DisplayFormat.duration(2.5), "2.5s")
        XCTAssertEqual(DisplayFormat.duration(65), "1m05s")
        XCTAssertEqual(DisplayFormat.duration(3723), "1h02m")
        XCTAssertEqual(DisplayFormat.count(100_000), "100,000")
        XCTAssertEqual(DisplayFormat.count(999), "999")
        XCTAssertEqual(DisplayFormat.bytes(1536), "1.5 KiB")
        XCTAssertEqual(DisplayFormat.delta(0.5), "+0.5")
        XCTAssertEqual(DisplayFormat.delta(0), "±0")
    }

    func testHeaderBadges() {
        XCTAssertEqual(HeaderStatus(runningRuns: 2).badges.map(\.text), ["● 2 running", "alerts –", "endpoint –"])
        XCTAssertEqual(HeaderStatus(runningRuns: 0, openAlerts: 1, endpoint: "up :8080").badges.map(\.text),
                       ["0 running", "▲ 1 alert", "endpoint up :8080"])
    }
}
