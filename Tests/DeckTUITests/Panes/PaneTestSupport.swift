import DeckStore
import Foundation
import DeckTestSupport
import XCTest
@testable import DeckTUI

/// A fresh workspace in a temporary folder.
func makeTestStore(file: StaticString = #filePath, line: UInt = #line) throws -> DeckStore {
    try TemporaryWorkspace(prefix: "mldeck-panes").store
}

/// Five finished runs with params, final metrics and train/validation curves:
/// alpha (auc 0.71, depth 3), beta (0.93, 6), gamma (0.85, 8), delta (0.55, 3), epsilon (running, 0.6, 4).
@discardableResult
func seedRuns(_ store: DeckStore, base: Double = 1_700_000_000) throws -> [String: RunHandle] {
    let specs: [(String, Double, String, RunStatus)] = [
        ("alpha", 0.71, "3", .finished), ("beta", 0.93, "6", .finished), ("gamma", 0.85, "8", .finished),
        ("delta", 0.55, "3", .failed), ("epsilon", 0.6, "4", .running),
    ]
    var out: [String: RunHandle] = [:]
    for (i, s) in specs.enumerated() {
        let t = base + Double(i) * 60
        var points = [MetricPoint(key: "auc", value: s.1, step: 9, timestamp: t + 10)]
        for step in 0..<10 {
            points.append(MetricPoint(key: "train-auc", value: 0.5 + Double(step) * 0.045, step: Int64(step), timestamp: t + Double(step)))
            points.append(MetricPoint(key: "validation-auc", value: 0.5 + Double(step) * 0.03, step: Int64(step), timestamp: t + Double(step)))
        }
        let h = try store.createRun(RunStart(name: s.0, experiment: "churn", status: .running, pipeline: i % 2 == 0 ? "churn" : nil,
                                             params: ["max_depth": s.2, "eta": "0.1"],
                                             lineage: RunLineage(datasetVersion: "churn@2", trigger: "manual"),
                                             owner: nil, startTime: t, metrics: points))
        if s.3 != .running { try store.finishRun(h, status: s.3, endTime: t + 42) }
        out[s.0] = h
    }
    return out
}

/// Renders a view alone into a canvas.
@MainActor
func renderView(_ view: any View, width: Int = 120, height: Int = 30) -> Canvas {
    CharWidth.ensureUTF8Locale()
    let canvas = Canvas(width: width, height: height)
    view.render(into: canvas.region, theme: .defaultTheme)
    return canvas
}

/// Runs the pane's queries to the end (render requests pages; results arrive on tick).
@MainActor
func settle(_ pane: RunsPane, width: Int = 120, height: Int = 30) -> Canvas {
    var canvas = renderView(pane, width: width, height: height)
    for _ in 0..<5 {
        pane.source.waitForResults()
        _ = pane.tick()
        canvas = renderView(pane, width: width, height: height)
        if !pane.source.isLoading { break }
    }
    return canvas
}

/// Names in the Runs table, top to bottom.
func runNames(_ canvas: Canvas) -> [String] {
    let names = ["alpha", "beta", "gamma", "delta", "epsilon"]
    return canvas.trimmedLines().compactMap { line in names.first { line.contains(" \($0) ") } }
}
