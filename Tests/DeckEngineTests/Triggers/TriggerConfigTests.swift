import DeckEngine
import XCTest

/// `triggers:` in `mldeck.yaml`: the typed triggers, their defaults, and errors that name the key.
final class TriggerConfigTests: XCTestCase {
    func config(_ triggers: [String]) throws -> WorkspaceConfig {
        try TriggerTestConfig.parse(TriggerTestConfig.yaml(TriggerTestConfig.pipeline(triggers)))
    }

    func error(_ trigger: String) -> PipelineConfigError? {
        do { _ = try config([trigger]); return nil } catch let e as PipelineConfigError { return e } catch { return nil }
    }

    func testEveryKindWithDefaults() throws {
        let all = TriggerDefinition.all(in: try config([
            "{on: dataset-update}", "{on: code-change, debounce: 5m}",
            "{on: schedule, cron: \"*/15 9-17 * * MON-FRI\", timezone: UTC, catch_up: true}",
            "{on: schedule, cron: \"0 3 * * *\"}", "{on: drift, model: churn-model}", "{on: quality, model: churn-model}",
        ]), localTimeZone: TimeZone(identifier: "Europe/Berlin") ?? .current)
        XCTAssertEqual(all.map(\.debounce), [60, 300, 60, 60, 60, 60])
        XCTAssertEqual(all.map(\.summary), ["dataset-update", "code-change", "schedule */15 9-17 * * MON-FRI (UTC) catch_up",
                                            "schedule 0 3 * * * (local Europe/Berlin)", "drift churn-model", "quality churn-model"])
        XCTAssertEqual(Set(all.map(\.key)).count, 6, "each trigger has its own state key")
    }

    func testErrorsNameTheKeyAndLine() throws {
        let cron = try XCTUnwrap(error("{on: schedule, cron: \"61 3 * * *\"}"))
        XCTAssertEqual(cron.key, "pipelines.p.triggers[0].cron")
        XCTAssertEqual(cron.location?.line, 7)
        XCTAssertEqual(cron.message, "'61 3 * * *': minute: '61' is not a minute (0-59)")
        XCTAssertEqual(error("{on: schedule, cron: \"0 3 * *\"}")?.message, "'0 3 * *': expected five fields (minute hour day month weekday), found 4")
        let zone = try XCTUnwrap(error("{on: schedule, cron: \"0 3 * * *\", timezone: Mars/Olympus}"))
        XCTAssertEqual(zone.key, "pipelines.p.triggers[0].timezone")
        XCTAssertTrue(zone.message.hasPrefix("unknown time zone 'Mars/Olympus'"), zone.message)
        XCTAssertEqual(error("{on: drift}")?.key, "pipelines.p.triggers[0]")
        XCTAssertTrue(error("{on: quality}")?.message.contains("needs `model:`") == true)
        XCTAssertEqual(error("{on: schedule, cron: \"0 3 * * *\", catchup: true}")?.message.contains("did you mean `catch_up`?"), true)
        XCTAssertEqual(error("{on: dataset-update, debounce: soon}")?.key, "pipelines.p.triggers[0].debounce")
        XCTAssertEqual(error("{on: nightly}")?.key, "pipelines.p.triggers[0].on")
    }
}
