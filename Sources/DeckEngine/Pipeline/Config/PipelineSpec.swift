import Foundation

/// `mldeck.yaml` as MLDeck understands it: pipelines (with their triggers) and the sections that
/// other parts of MLDeck read (`monitors`, `on_alert`, `retention`), kept as raw values.
public struct WorkspaceConfig: Sendable {
    /// The file it was read from.
    public var file: String
    /// Pipelines in file order.
    public var pipelines: [PipelineSpec]
    /// `monitors:` as written (read by monitoring).
    public var monitors: ConfigValue?
    /// Other known top-level sections (`on_alert`, `retention`, …) as written.
    public var sections: [String: ConfigValue]

    public init(file: String, pipelines: [PipelineSpec], monitors: ConfigValue? = nil, sections: [String: ConfigValue] = [:]) {
        self.file = file; self.pipelines = pipelines; self.monitors = monitors; self.sections = sections
    }

    /// The pipeline named `name`.
    public func pipeline(_ name: String) -> PipelineSpec? { pipelines.first { $0.name == name } }
}

/// One pipeline: a dataset, params, steps (a DAG through `needs`) and triggers.
public struct PipelineSpec: Sendable {
    public var name: String
    /// `NAME` or `NAME@V` of a registry dataset, or a path to a data file in the workspace.
    public var dataset: String?
    /// Default params in file order (values as text); `-p KEY=VALUE` overrides them.
    public var params: [(key: String, value: String)]
    /// Steps in file order.
    public var steps: [StepSpec]
    public var triggers: [TriggerSpec]
    public var location: ConfigLocation
    /// The definition as written, for the code hash and `pipelines show`.
    public var raw: ConfigValue

    public init(name: String, dataset: String?, params: [(key: String, value: String)], steps: [StepSpec],
                triggers: [TriggerSpec], location: ConfigLocation, raw: ConfigValue) {
        self.name = name; self.dataset = dataset; self.params = params; self.steps = steps
        self.triggers = triggers; self.location = location; self.raw = raw
    }

    /// Params as a dictionary.
    public var paramDictionary: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in params { out[k] = v }
        return out
    }

    /// The step named `name`.
    public func step(_ name: String) -> StepSpec? { steps.first { $0.name == name } }
}

/// What a step does: a built-in (`uses:`) or a command (`run:`).
public enum StepAction: Sendable, Equatable {
    case builtin(String)
    /// The command line; `shell` runs it through `/bin/sh -c`.
    case command(String, shell: Bool)

    /// `xgboost`, `split`, … or `run`.
    public var kind: String {
        switch self {
        case .builtin(let name): return name
        case .command: return "run"
        }
    }
}

/// One step of a pipeline.
public struct StepSpec: Sendable {
    public var name: String
    public var action: StepAction
    /// `with:` arguments (values may hold `${params.x}`).
    public var with: [(key: String, value: ConfigValue)]
    public var needs: [String]
    /// The `if:` condition (a filter expression), if any.
    public var condition: String?
    /// Files whose content is part of the cache key.
    public var deps: [String]
    /// Files the step leaves in `MLDECK_OUTPUT_DIR` (or the workspace).
    public var outs: [String]
    /// A JSON file of metrics the step leaves.
    public var metricsFile: String?
    /// Seconds; nil means no limit.
    public var timeout: Double?
    public var retries: Int
    /// `cache: false` turns the step cache off for this step.
    public var cache: Bool
    /// Extra environment for `run:` steps.
    public var environment: [(key: String, value: String)]
    public var location: ConfigLocation
    /// Where each key was written, for errors found later (`with.target`, `needs`, `if`, …).
    public var keyLocations: [String: ConfigLocation]
    public var raw: ConfigValue

    public init(name: String, action: StepAction, with: [(key: String, value: ConfigValue)] = [], needs: [String] = [],
                condition: String? = nil, deps: [String] = [], outs: [String] = [], metricsFile: String? = nil,
                timeout: Double? = nil, retries: Int = 0, cache: Bool = true, environment: [(key: String, value: String)] = [],
                location: ConfigLocation = ConfigLocation(line: 0, column: 0), keyLocations: [String: ConfigLocation] = [:],
                raw: ConfigValue = .map([], at: ConfigLocation(line: 0, column: 0))) {
        self.name = name; self.action = action; self.with = with; self.needs = needs; self.condition = condition
        self.deps = deps; self.outs = outs; self.metricsFile = metricsFile; self.timeout = timeout; self.retries = retries
        self.cache = cache; self.environment = environment; self.location = location; self.keyLocations = keyLocations; self.raw = raw
    }

    /// The `with:` value of `key`.
    public func argument(_ key: String) -> ConfigValue? { with.first { $0.key == key }?.value }
}

/// A trigger (`on: dataset-update`, `schedule`, `code-change`, `drift`, `quality`): recorded now,
/// fired by the trigger runner.
public struct TriggerSpec: Sendable, Equatable, Codable {
    public var on: String
    /// Other keys (`cron`, `timezone`, `model`, `dataset`, `metric`, …) as text; `debounce` in
    /// seconds and `catch_up` as `true`/`false` (see ``TriggerDefinition`` for the typed view).
    public var options: [String: String]
    public var location: ConfigLocation

    public init(on: String, options: [String: String], location: ConfigLocation) {
        self.on = on; self.options = options; self.location = location
    }

    /// The trigger kinds MLDeck knows.
    public static let kinds: Set<String> = ["dataset-update", "schedule", "code-change", "drift", "quality", "manual"]
    /// Keys each kind accepts besides `on`: its own, and `debounce` (every kind: firings closer
    /// than this are merged into one run).
    public static let optionKeys: [String: Set<String>] = [
        "dataset-update": ["dataset", "debounce"], "schedule": ["cron", "timezone", "catch_up", "debounce"], "code-change": ["paths", "debounce"],
        "drift": ["model", "alias", "debounce"], "quality": ["model", "alias", "metric", "threshold", "debounce"], "manual": ["debounce"],
    ]
}
