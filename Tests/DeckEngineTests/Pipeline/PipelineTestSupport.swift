import DeckEngine
import DeckStore
import Foundation
import XCTest

/// A throwaway workspace with a synthetic data file and an `mldeck.yaml`.
final class PipelineTestWorkspace {
    let root: URL
    let store: DeckStore

    init(yaml: String, rows: Int = 240, seed: UInt64 = 1) throws {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mldeck-pipeline-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let workspace = try Workspace.create(at: root)
        store = try DeckStore.open(workspace)
        try Self.syntheticCSV(rows: rows, seed: seed).write(to: root.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try writeConfig(yaml)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func writeConfig(_ yaml: String) throws {
        try yaml.write(to: root.appendingPathComponent("mldeck.yaml"), atomically: true, encoding: .utf8)
    }

    func config() throws -> WorkspaceConfig { try PipelineEnvironment.loadConfig(store.workspace) }

    /// Runs a pipeline in-process and returns the outcome.
    @discardableResult
    func run(_ pipeline: String, params: [String: String] = [:], force: Bool = false, noCache: Bool = false,
             observer: (@Sendable (PipelineEvent) -> Void)? = nil) throws -> PipelineOutcome {
        let execution = PipelineExecution(store: store, config: try config(),
                                          request: PipelineRunRequest(pipeline: pipeline, params: params, force: force, noCache: noCache, maxParallel: 2),
                                          observer: observer)
        return try execution.run()
    }

    /// id, x1, x2 (numbers, a few missing), colour (text), label (yes/no from x1 + x2 with noise).
    static func syntheticCSV(rows: Int, seed: UInt64) -> String {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var lines = ["id,x1,x2,colour,label"]
        let colours = ["red", "green", "blue"]
        for i in 0..<rows {
            let x1 = next() * 10, x2 = next() * 10
            let colour = colours[Int(next() * 3) % 3]
            let score = x1 + x2 + (colour == "red" ? 2 : 0) + (next() - 0.5) * 4
            let x2Text = i % 17 == 5 ? "" : String(format: "%.3f", x2)
            lines.append("\(i + 1),\(String(format: "%.3f", x1)),\(x2Text),\(colour),\(score > 11 ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The status of each step by name.
    static func statuses(_ outcome: PipelineOutcome) -> [String: StepStatus] {
        Dictionary(uniqueKeysWithValues: outcome.steps.map { ($0.name, $0.status) })
    }
}

/// The repository root (fixtures live in `fixtures/`), found from this file's real path.
enum RepositoryRoot {
    static var url: URL {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
                && FileManager.default.fileExists(atPath: url.appendingPathComponent("fixtures").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: "/work/main")
    }
}

/// A standard pipeline on `data.csv` with the five built-ins.
enum PipelineYAML {
    static func standard(deploy: String = "metrics.auc > production.metrics.auc", rounds: Int = 8) -> String {
        """
        pipelines:
          p:
            dataset: data.csv
            params: {max_depth: 3, eta: 0.3, rounds: \(rounds)}
            steps:
              prepare:  {uses: split, with: {target: label, test_size: 0.25, seed: 3}}
              train:    {uses: xgboost, needs: [prepare], with: {max_depth: "${params.max_depth}", eta: "${params.eta}", rounds: "${params.rounds}", nthread: 1}}
              evaluate: {uses: evaluate, needs: [train], with: {metrics: [auc, accuracy]}}
              register: {uses: register, needs: [evaluate], with: {model: m}}
              deploy:   {uses: deploy, needs: [register], if: "\(deploy)"}
        """
    }
}
