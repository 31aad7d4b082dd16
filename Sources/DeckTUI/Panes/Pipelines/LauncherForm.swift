import DeckEngine
import DeckStore
import Foundation

/// What the launcher opens with: a pipeline, params and dataset to pre-fill (`R` on a run).
public struct LaunchPrefill: Sendable, Equatable {
    public var pipeline: String?
    public var params: [String: String]
    public var dataset: String?
    /// A run whose params and dataset version fill the form (read with the choices, off the UI thread).
    public var fromRunID: String?
    public init(pipeline: String?, params: [String: String] = [:], dataset: String? = nil, fromRunID: String? = nil) {
        self.pipeline = pipeline; self.params = params; self.dataset = dataset; self.fromRunID = fromRunID
    }
}

/// The pipelines the launcher offers, read off the UI thread from `mldeck.yaml` and the dataset
/// registry.
public struct LauncherChoices: Sendable {
    public struct Pipeline: Sendable {
        public var name: String
        /// Default params in file order.
        public var params: [LaunchParam]
        /// The pipeline's `dataset:` as written.
        public var dataset: String?
        /// `NAME@V` of each registry version of that dataset, newest first.
        public var datasetVersions: [String]
    }
    public var pipelines: [Pipeline]

    /// Reads the workspace's pipelines and their datasets' versions.
    public static func load(from store: DeckStore) throws -> LauncherChoices {
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        return LauncherChoices(pipelines: config.pipelines.map { p in
            let name = p.dataset.map { String($0.split(separator: "@").first ?? Substring($0)) }
            let versions = name.flatMap { try? store.datasetVersions($0) } ?? []
            return Pipeline(name: p.name, params: p.params.map { LaunchParam(key: $0.key, value: $0.value) }, dataset: p.dataset,
                            datasetVersions: versions.map { "\($0.dataset)@\($0.number)" }.reversed())
        })
    }
}

/// A param and its default value.
public struct LaunchParam: Sendable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// The launcher's form as plain state (tested without a terminal): the chosen pipeline, one
/// field per param typed from its default value (whole number, number, true/false or text) and
/// checked as it is typed, and the dataset version. ``launch()`` gives what to start, or the
/// first problem.
public struct LauncherForm: Sendable, Equatable {
    /// What a field accepts, inferred from the param's default value.
    public enum Kind: String, Sendable, Equatable {
        case integer = "whole number", number, boolean = "true/false", text
        static func of(_ value: String) -> Kind {
            if Int(value) != nil { return .integer }
            if let d = Double(value), d.isFinite { return .number }
            if ["true", "false"].contains(value.lowercased()) { return .boolean }
            return .text
        }
    }

    public struct Field: Sendable, Equatable {
        public var key: String
        public var defaultValue: String
        public var text: String
        public var kind: Kind
        /// What is wrong with `text`, or nil.
        public var error: String? {
            let t = text.trimmingCharacters(in: .whitespaces)
            switch kind {
            case .integer: return Int(t) == nil ? "expects a whole number (default \(defaultValue))" : nil
            case .number: return Double(t).map { $0.isFinite } == true ? nil : "expects a number (default \(defaultValue))"
            case .boolean: return ["true", "false"].contains(t.lowercased()) ? nil : "expects true or false"
            case .text: return t.isEmpty ? "cannot be empty" : nil
            }
        }
        public var changed: Bool { text.trimmingCharacters(in: .whitespaces) != defaultValue }
    }

    public var pipelines: [LauncherChoices.Pipeline] { choices.pipelines }
    public private(set) var pipelineIndex = 0
    public private(set) var fields: [Field] = []
    /// 0: the pipeline's own dataset; i: `datasetVersions[i - 1]`.
    public private(set) var datasetIndex = 0
    /// 0: the pipeline row; 1…fields.count: a param; fields.count + 1: the dataset row.
    public private(set) var focus = 0
    private let choices: LauncherChoices

    public static func == (a: LauncherForm, b: LauncherForm) -> Bool {
        a.pipelineIndex == b.pipelineIndex && a.fields == b.fields && a.datasetIndex == b.datasetIndex && a.focus == b.focus
    }

    public init(choices: LauncherChoices, prefill: LaunchPrefill? = nil) {
        self.choices = choices
        let index = prefill?.pipeline.flatMap { name in choices.pipelines.firstIndex { $0.name == name } } ?? 0
        selectPipeline(index, prefill: prefill)
    }

    public var pipeline: LauncherChoices.Pipeline? { pipelines.indices.contains(pipelineIndex) ? pipelines[pipelineIndex] : nil }
    public var datasetRow: Int { fields.count + 1 }

    /// The dataset choice as shown.
    public var datasetText: String {
        guard let p = pipeline else { return "-" }
        if datasetIndex == 0 { return p.dataset.map { "\($0) (the pipeline's)" } ?? "none" }
        return p.datasetVersions[datasetIndex - 1]
    }

    mutating func selectPipeline(_ index: Int, prefill: LaunchPrefill? = nil) {
        pipelineIndex = index
        guard let p = pipeline else { fields = []; return }
        fields = p.params.map { param in
            Field(key: param.key, defaultValue: param.value, text: prefill?.params[param.key] ?? param.value, kind: Kind.of(param.value))
        }
        datasetIndex = prefill?.dataset.flatMap { d in p.datasetVersions.firstIndex(of: d).map { $0 + 1 } } ?? 0
        focus = min(focus, datasetRow)
    }

    /// Moves between rows (wrapping).
    public mutating func moveFocus(by delta: Int) {
        let rows = datasetRow + 1
        focus = ((focus + delta) % rows + rows) % rows
    }

    /// Focuses a row (a mouse click): 0 the pipeline, 1…fields.count a param, then the dataset.
    public mutating func focus(row: Int) {
        guard (0...datasetRow).contains(row) else { return }
        focus = row
    }

    /// ←/→ on the pipeline or dataset row chooses; on a true/false field flips it.
    public mutating func choose(by delta: Int) {
        if focus == 0, !pipelines.isEmpty {
            selectPipeline(((pipelineIndex + delta) % pipelines.count + pipelines.count) % pipelines.count)
        } else if focus == datasetRow, let p = pipeline {
            let n = p.datasetVersions.count + 1
            datasetIndex = ((datasetIndex + delta) % n + n) % n
        } else if fields.indices.contains(focus - 1), fields[focus - 1].kind == .boolean {
            fields[focus - 1].text = fields[focus - 1].text.lowercased() == "true" ? "false" : "true"
        }
    }

    /// Types into the focused param field.
    public mutating func type(_ c: Character) {
        guard fields.indices.contains(focus - 1) else { return }
        fields[focus - 1].text.append(c)
    }

    public mutating func backspace() {
        guard fields.indices.contains(focus - 1), !fields[focus - 1].text.isEmpty else { return }
        fields[focus - 1].text.removeLast()
    }

    /// Every problem, as `key: problem`.
    public var problems: [String] { fields.compactMap { f in f.error.map { "\(f.key): \($0)" } } }

    /// What Enter starts: the pipeline, the changed params, the dataset; or the first problem.
    public func launch() -> Result<PipelineLauncher.Launch, LaunchFormError> {
        guard let p = pipeline else { return .failure(LaunchFormError(message: "no pipeline in mldeck.yaml to run")) }
        if let first = problems.first { return .failure(LaunchFormError(message: first)) }
        var params: [String: String] = [:]
        for f in fields where f.changed { params[f.key] = f.text.trimmingCharacters(in: .whitespaces) }
        let dataset = datasetIndex == 0 ? nil : p.datasetVersions[datasetIndex - 1]
        return .success(PipelineLauncher.Launch(pipeline: p.name, params: params, dataset: dataset))
    }
}

/// Why the form cannot start a run.
public struct LaunchFormError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
