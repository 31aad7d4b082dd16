import DeckEngine
import DeckStore
import Foundation

/// What the Pipelines pane shows, read off the UI thread: each pipeline of `mldeck.yaml` with
/// its steps in DAG order (depth from the `needs` edges) and the status and duration of each
/// step in the pipeline's last run, and its triggers' last and next firings (``TriggerStatusReport``).
public struct PipelinesData: Sendable {
    public struct Step: Sendable, Equatable {
        public var name: String
        public var kind: String
        public var needs: [String]
        /// Longest chain of `needs` above the step (0 for a step that needs nothing).
        public var depth: Int
        /// In the last run: status and seconds, nil when the step did not run there.
        public var status: String?
        public var duration: Double?
        public var cacheHit: Bool
    }
    public struct Pipeline: Sendable {
        public var name: String
        public var dataset: String?
        public var params: [LaunchParam]
        public var steps: [Step]
        /// `on:` of each trigger (`dataset-update`, `schedule cron 0 3 * * *`).
        public var triggers: [String]
        public var lastRun: RunRecord?
        /// Each trigger's last and next firing and why (what `mldeck triggers list` shows).
        public var triggerStatus: [TriggerStatus] = []
    }
    public var pipelines: [Pipeline]
    /// `mldeck.yaml`'s path.
    public var file: String

    /// Reads the pipelines and their last runs.
    public static func load(from store: DeckStore, now: Date = Date()) throws -> PipelinesData {
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        let statuses = (try? TriggerStatusReport.build(config: config, store: store, now: now)) ?? []
        let pipelines = config.pipelines.map { p -> Pipeline in
            let last = try? store.lastRun(ofPipeline: p.name)
            let recorded = last.flatMap { try? store.runSteps($0.id) } ?? []
            let depths = depthsOf(p.steps.map { (name: $0.name, needs: $0.needs) })
            let steps = orderedByDepth(p.steps.map(\.name), depths: depths).compactMap { name -> Step? in
                guard let s = p.step(name) else { return nil }
                let r = recorded.first { $0.name == name }
                return Step(name: name, kind: s.action.kind, needs: s.needs, depth: depths[name] ?? 0,
                            status: r?.status.rawValue, duration: r?.duration(), cacheHit: r?.cacheHit ?? false)
            }
            let triggers = p.triggers.map { t in ([t.on] + t.options.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }).joined(separator: " ") }
            return Pipeline(name: p.name, dataset: p.dataset, params: p.params.map { LaunchParam(key: $0.key, value: $0.value) },
                            steps: steps, triggers: triggers, lastRun: last,
                            triggerStatus: statuses.filter { $0.pipeline == p.name }.sorted { $0.index < $1.index })
        }
        return PipelinesData(pipelines: pipelines, file: config.file)
    }

    /// Each step's depth: 0 without `needs`, else one more than its deepest need (cycles and
    /// unknown names count as 0; the spec loader refuses them anyway).
    static func depthsOf(_ steps: [(name: String, needs: [String])]) -> [String: Int] {
        let needs = Dictionary(steps.map { ($0.name, $0.needs) }, uniquingKeysWith: { a, _ in a })
        var depth: [String: Int] = [:]
        func visit(_ name: String, _ path: Set<String>) -> Int {
            if let d = depth[name] { return d }
            guard !path.contains(name), let parents = needs[name] else { return 0 }
            let d = parents.isEmpty ? 0 : 1 + (parents.map { visit($0, path.union([name])) }.max() ?? 0)
            depth[name] = d
            return d
        }
        for s in steps { _ = visit(s.name, []) }
        return depth
    }

    /// Steps by depth, file order within a depth.
    static func orderedByDepth(_ names: [String], depths: [String: Int]) -> [String] {
        names.enumerated().sorted { a, b in
            let da = depths[a.element] ?? 0, db = depths[b.element] ?? 0
            return da != db ? da < db : a.offset < b.offset
        }.map(\.element)
    }
}
