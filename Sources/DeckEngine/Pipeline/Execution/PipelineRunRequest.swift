import DeckStore
import Foundation

/// What to run: a pipeline, param overrides, a pinned dataset, cache policy.
public struct PipelineRunRequest: Sendable {
    public var pipeline: String
    /// `-p KEY=VALUE` overrides of the pipeline's params.
    public var params: [String: String]
    /// `--dataset NAME@V`: pins the dataset (overrides the pipeline's `dataset:`).
    public var dataset: String?
    /// `--force`: run every step even when cached (results are cached again).
    public var force: Bool
    /// `--no-cache`: neither read nor write the step cache.
    public var noCache: Bool
    /// `manual`, `dataset-update`, `schedule`, `drift`, …
    public var trigger: String
    /// A QUEUED run to take over (a detached launch or one run of a sweep).
    public var existingRunID: String?
    /// The parent run (a sweep).
    public var parentRunID: String?
    /// Steps run side by side at most (default: the number of cores).
    public var maxParallel: Int
    /// The experiment (default: the pipeline's name).
    public var experiment: String?
    public var runName: String?
    /// How the run was started, recorded as the run's command.
    public var commandLine: String?
    /// Seconds between SIGTERM and SIGKILL when a step's process is stopped.
    public var gracePeriod: Double
    /// When set, `register` steps are skipped with this reason (and `deploy` after them): a
    /// sweep child under `--register best|none`.
    public var registrationDeferred: String?

    public init(pipeline: String, params: [String: String] = [:], dataset: String? = nil, force: Bool = false,
                noCache: Bool = false, trigger: String = "manual", existingRunID: String? = nil, parentRunID: String? = nil,
                maxParallel: Int = ProcessInfo.processInfo.activeProcessorCount, experiment: String? = nil,
                runName: String? = nil, commandLine: String? = nil, gracePeriod: Double = 5) {
        self.pipeline = pipeline; self.params = params; self.dataset = dataset; self.force = force; self.noCache = noCache
        self.trigger = trigger; self.existingRunID = existingRunID; self.parentRunID = parentRunID
        self.maxParallel = max(1, maxParallel); self.experiment = experiment; self.runName = runName
        self.commandLine = commandLine; self.gracePeriod = gracePeriod
    }
}

/// How a pipeline run ended.
public struct PipelineOutcome: Sendable {
    public var runID: String
    public var status: RunStatus
    public var reason: String?
    public var steps: [RunStepRecord]
    /// Evaluated metrics of the run (last values).
    public var metrics: [String: Double]
    /// The production version's metrics on this run's test split, when there was one.
    public var productionMetrics: [String: Double]?
    /// Model versions this run registered (`NAME@V`).
    public var registered: [String]
    /// Alias moves this run made (`NAME@ALIAS → V`).
    public var deployed: [String]
    public var notices: [String]
    public var duration: Double
}

/// Errors that stop a pipeline run before or outside its steps.
public enum PipelineRunError: Error, CustomStringConvertible {
    case unknownPipeline(String, known: [String], file: String)
    case unknownParam(String, known: [String])
    case invalid(PipelineConfigErrors)
    case dataset(String)
    case runNotQueued(String, status: RunStatus)

    public var description: String {
        switch self {
        case .unknownPipeline(let name, let known, let file):
            let hint = Suggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "no pipeline '\(name)' in \(file)\(hint)" + (known.isEmpty ? " (it defines none)" : "; pipelines: \(known.joined(separator: ", "))")
        case .unknownParam(let name, let known):
            let hint = Suggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "-p \(name): the pipeline has no param '\(name)'\(hint)" + (known.isEmpty ? "" : "; params: \(known.joined(separator: ", "))")
        case .invalid(let errors): return errors.description
        case .dataset(let message): return message
        case .runNotQueued(let id, let status): return "run \(id.prefix(8)) is \(status.rawValue), not QUEUED: it cannot be started again"
        }
    }
}
