import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

/// Input for the UI loop without a terminal: every wait sleeps briefly and asks `next` for a key.
@MainActor
final class ScriptedInput: InputSource {
    var size = Size(width: 100, height: 24)
    var pendingQuitSignal: Int32 = 0
    var terminalLost = false
    /// How many waits (with a timeout above zero) the loop made.
    private(set) var waits = 0
    var next: (_ waits: Int) -> Key? = { _ in nil }

    func readKey(timeoutMilliseconds: Int32) -> Key? {
        guard timeoutMilliseconds > 0 else { return nil }
        waits += 1
        usleep(UInt32(timeoutMilliseconds) * 1000)   // the terminal's wait blocks the thread too
        return next(waits)
    }
}

/// The dashboard's loop must not starve Swift concurrency's main actor (traps.md: "A blocking
/// get_wch loop on the main thread starves @MainActor work"): a `Task { @MainActor in … }` made
/// while the loop runs must run before the loop ends.
@MainActor
final class AppRunnerLoopTests: XCTestCase {
    /// Runs `runner`'s loop until a main-actor task scheduled before it has run (then quits with
    /// `q`), or until 300 waits have passed. Returns whether the task ran while the loop ran.
    private func mainActorTaskRunsDuringLoop(_ runner: AppRunner) async -> (ranDuringLoop: Bool, signal: Int32) {
        runner.inputTimeoutMilliseconds = 2
        runner.frameLogPath = nil
        var flag = false
        var seenDuringLoop = false
        let input = ScriptedInput()
        input.next = { waits in
            if flag { seenDuringLoop = true; return .char("q") }
            return waits >= 300 ? .char("q") : nil
        }
        Task { @MainActor in flag = true }
        let signal = await runner.loop(input: input, backend: MemoryBackend(size: input.size))
        return (seenDuringLoop, signal)
    }

    func testMainActorWorkRunsWhileTheLoopWaitsForKeys() async {
        let model = AppModel(panes: [FakePane("Runs")], workspace: "~/w", readOnly: false)
        let result = await mainActorTaskRunsDuringLoop(AppRunner(model: model))
        XCTAssertTrue(result.ranDuringLoop, "a Task { @MainActor in … } did not run while the UI loop was waiting for keys")
        XCTAssertEqual(result.signal, 0)
        XCTAssertTrue(model.quitRequested)
    }

    func testTheDashboardsLoopLetsMainActorWorkRun() async throws {
        let store = try makeTestStore()
        var options = Dashboard.Options()
        options.rememberSettings = false
        let dashboard = Dashboard(store: store, options: options)
        let result = await mainActorTaskRunsDuringLoop(dashboard.makeRunner())
        XCTAssertTrue(result.ranDuringLoop, "a Task { @MainActor in … } did not run while the dashboard's loop was running")
        XCTAssertEqual(result.signal, 0)
    }

    func testAQuitSignalEndsTheLoopWithThatSignal() async {
        let model = AppModel(panes: [FakePane("Runs")], workspace: "~/w", readOnly: false)
        let input = ScriptedInput()
        input.next = { [unowned input] waits in
            if waits == 3 { input.pendingQuitSignal = SIGTERM }
            return nil
        }
        let runner = AppRunner(model: model)
        runner.inputTimeoutMilliseconds = 1
        let signal = await runner.loop(input: input, backend: MemoryBackend(size: input.size))
        XCTAssertEqual(signal, SIGTERM)
    }
}
