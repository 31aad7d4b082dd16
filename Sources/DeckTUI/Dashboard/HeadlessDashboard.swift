import DeckStore
import Foundation

/// The dashboard without a terminal: renders into a ``MemoryBackend``, applies a list of keys
/// (waiting for each query to finish), and returns the final screen as text. Used by
/// `mldeck dashboard --headless` (benchmarks: process start to first full frame) and by tests.
@MainActor
public enum HeadlessDashboard {
    /// - Parameter keys: comma-separated keys in key-binding spelling (`j,pgdn,/,enter`); a key
    ///   `text:abc` types the characters.
    public static func run(store: DeckStore, size: Size, theme: String?, readOnly: Bool, keys: String) throws -> String {
        var options = Dashboard.Options(theme: theme, readOnly: readOnly)
        options.rememberSettings = false
        let dashboard = Dashboard(store: store, options: options)
        dashboard.app.size = size
        let canvas = Canvas(size: size)
        settle(dashboard, canvas: canvas)
        for key in parse(keys) {
            dashboard.app.send(key)
            settle(dashboard, canvas: canvas)
        }
        _ = dashboard.app.render(into: canvas)
        return canvas.text
    }

    /// Renders and ticks until the panes' queries have finished (first full frame).
    public static func settle(_ dashboard: Dashboard, canvas: Canvas, timeout: Double = 10) {
        let start = Date()
        repeat {
            _ = dashboard.app.render(into: canvas)
            dashboard.runs.source.waitForResults()
            dashboard.app.topView.waitForLoad()
            dashboard.context.writes.waitForWrites()
            dashboard.tick()
            dashboard.app.topView.waitForLoad()   // a reload the tick queued (the store changed)
            dashboard.waitForBadges()             // the header's running count, queried beside the panes
            _ = dashboard.app.render(into: canvas)
            // The Runs pane's source only moves while the pane is on screen.
            let runsOnScreen = dashboard.app.topView === dashboard.runs
            let runsDone = !runsOnScreen || (!dashboard.runs.source.isLoading && dashboard.runs.source.hasLoaded)
            if runsDone && !dashboard.context.writes.isBusy { return }
        } while Date().timeIntervalSince(start) < timeout
    }

    /// Parses `j,j,enter,text:auc > 0.5` into keys.
    public static func parse(_ spec: String) -> [Key] {
        var out: [Key] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: true) {
            let p = String(part)
            if p.hasPrefix("text:") { out += p.dropFirst(5).map { Key.char($0) } }
            else if p == "comma" { out.append(.char(",")) }
            else if let k = Key(p) { out.append(k) }
        }
        return out
    }
}
