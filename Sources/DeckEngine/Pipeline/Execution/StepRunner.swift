import DeckML
import DeckStore
import Foundation

/// What a step leaves behind: files in its output folder, metrics, and a few facts for the summary.
public struct StepOutput: Sendable {
    /// Files relative to the step's output folder, stored with the run and in the cache.
    public var files: [String] = []
    /// Final metrics (logged to the run at step 0 unless already logged).
    public var metrics: [String: Double] = [:]
    /// Per-round series logged while the step ran (kept to restore them on a cache hit).
    public var series: [MetricPoint] = []
    /// Facts for the summary and for later steps (`model`, `version`, …).
    public var facts: [String: String] = [:]
    /// Notices shown to the user.
    public var notices: [String] = []
    /// Set when the step chose not to act (a `deploy` whose candidate is not better): the step
    /// ends `SKIPPED` with this reason, and the steps after it do not run.
    public var declined: String?

    public init() {}
}

/// Runs one kind of step.
protocol StepRunner: Sendable {
    /// Whether results may be cached (no side effects outside the output folder and the store).
    var cacheable: Bool { get }
    /// Extra inputs of the cache key beyond the definition and upstream outputs (e.g. the
    /// current production version for `evaluate`).
    func extraCacheInputs(_ context: StepContext) throws -> [String]
    /// Whether a cached result can still be used (e.g. the registered version still exists).
    func cachedResultIsValid(_ output: StepOutput, context: StepContext) -> Bool
    func run(_ context: StepContext) throws -> StepOutput
}

/// A runner that adds to its output after it ran or was restored from the cache (e.g. facts
/// about the registry as it is now).
protocol StepFinalizer {
    func finalize(_ output: StepOutput, context: StepContext) throws -> StepOutput
}

extension StepRunner {
    func extraCacheInputs(_ context: StepContext) throws -> [String] { [] }
    func cachedResultIsValid(_ output: StepOutput, context: StepContext) -> Bool { true }
}

/// The result of a finished step, as later steps see it.
public struct StepResult: Sendable {
    public var name: String
    public var kind: String
    public var status: StepStatus
    public var outputDirectory: URL
    public var output: StepOutput
    /// Hash of the outputs (part of downstream cache keys).
    public var outputHash: String
    /// Object ids (hex) of the output files, by path.
    public var fileObjects: [String: String] = [:]
}

/// Everything a running step may use.
final class StepContext: @unchecked Sendable {
    let store: any WorkspaceStore
    let run: RunHandle
    let pipeline: PipelineSpec
    let step: StepSpec
    /// `with:` after `${params.x}` replacement.
    let arguments: [(key: String, value: ConfigValue)]
    let params: [String: String]
    let dataset: ResolvedDataset?
    let outputDirectory: URL
    let logURL: URL
    let upstream: [String: StepResult]
    let graph: PipelineGraph
    let cancellation: CancellationToken
    let tables: TableCache
    let sink: RunEventSink
    /// Where `run:` commands execute.
    let executor: any StepExecutor
    let gracePeriod: Double
    /// Seconds; nil for no limit.
    let timeout: Double?

    init(store: any WorkspaceStore, run: RunHandle, pipeline: PipelineSpec, step: StepSpec, arguments: [(key: String, value: ConfigValue)],
         params: [String: String], dataset: ResolvedDataset?, outputDirectory: URL, logURL: URL, upstream: [String: StepResult],
         graph: PipelineGraph, cancellation: CancellationToken, tables: TableCache, sink: RunEventSink, executor: any StepExecutor,
         gracePeriod: Double, timeout: Double?) {
        self.store = store; self.run = run; self.pipeline = pipeline; self.step = step; self.arguments = arguments
        self.params = params; self.dataset = dataset; self.outputDirectory = outputDirectory; self.logURL = logURL
        self.upstream = upstream; self.graph = graph; self.cancellation = cancellation; self.tables = tables; self.sink = sink
        self.executor = executor
        self.gracePeriod = gracePeriod; self.timeout = timeout
    }

    /// The `with:` value of `key`.
    func argument(_ key: String) -> ConfigValue? { arguments.first { $0.key == key }?.value }

    /// The nearest upstream result of one of `kinds`.
    func upstreamResult(kinds: [String]) -> StepResult? {
        let names = graph.nearestUpstream(of: step.name) { name in
            guard let r = upstream[name] else { return false }
            return kinds.contains(r.kind) && r.status.succeeded
        }
        return names.first.flatMap { upstream[$0] }
    }

    /// Every upstream result of one of `kinds`.
    func allUpstream(kinds: [String]) -> [StepResult] {
        graph.upstream(of: step.name).compactMap { upstream[$0] }.filter { kinds.contains($0.kind) && $0.status.succeeded }
    }

    /// Writes a line to the step's log and the run's log, and publishes it.
    func log(_ line: String) { sink.log(step: step.name, line: line) }

    func notice(_ message: String) { sink.notice(step: step.name, message: message) }

    /// Typed readers of `with:` values.
    func string(_ key: String) throws -> String? {
        guard let v = argument(key) else { return nil }
        guard let text = v.text else { throw StepError.badArgument(step: step.name, key: key, expected: "text", found: v.brief) }
        return text
    }

    /// The range of a numeric option of this step's built-in (see ``BuiltinOptionRanges``).
    func range(of key: String) -> BuiltinOptionRanges.Range? {
        guard case .builtin(let name) = step.action else { return nil }
        return BuiltinOptionRanges.range(builtin: name, key: key)
    }

    /// A finite number, within the option's range when it has one.
    func double(_ key: String) throws -> Double? {
        guard let text = try string(key) else { return nil }
        if let range = range(of: key), !range.accepts(text) {
            throw StepError.badArgument(step: step.name, key: key, expected: range.expected, found: "'\(text)'")
        }
        guard let n = Double(text), n.isFinite else { throw StepError.badArgument(step: step.name, key: key, expected: "a finite number", found: "'\(text)'") }
        return n
    }

    /// A whole number (never trapping on `inf` or `1e400`), within the option's range when it has one.
    func int(_ key: String) throws -> Int? {
        guard let text = try string(key) else { return nil }
        if let range = range(of: key), !range.accepts(text) {
            throw StepError.badArgument(step: step.name, key: key, expected: range.expected, found: "'\(text)'")
        }
        guard let n = CheckedInteger.parse(text) else {
            throw StepError.badArgument(step: step.name, key: key, expected: "a whole number", found: "'\(text)'")
        }
        return n
    }

    /// The default the built-in catalog gives `key` for this step's built-in (``BuiltinCatalog``),
    /// read as a value: the one place a runner's fallback comes from.
    func catalogDefault(_ key: String) throws -> String {
        guard case .builtin(let name) = step.action, let option = BuiltinCatalog.entry(name)?.option(key) else {
            throw StepError.failed(step: step.name, message: "with.\(key) is not an option of this step in the built-in catalog")
        }
        return option.defaultText
    }

    private func badDefault(_ key: String, _ expected: String) throws -> Never {
        throw StepError.failed(step: step.name, message: "the built-in catalog's default of with.\(key) ('\(try catalogDefault(key))') is not \(expected)")
    }

    /// `with.KEY`, else the catalog's default.
    func stringOrDefault(_ key: String) throws -> String { try string(key) ?? catalogDefault(key) }

    /// `with.KEY` as a whole number, else the catalog's default.
    func intOrDefault(_ key: String) throws -> Int {
        if let given = try int(key) { return given }
        guard let value = CheckedInteger.parse(try catalogDefault(key)) else { try badDefault(key, "a whole number") }
        return value
    }

    /// `with.KEY` as a number, else the catalog's default.
    func doubleOrDefault(_ key: String) throws -> Double {
        if let given = try double(key) { return given }
        guard let value = Double(try catalogDefault(key)), value.isFinite else { try badDefault(key, "a number") }
        return value
    }

    /// `with.KEY` as true or false, else the catalog's default.
    func boolOrDefault(_ key: String) throws -> Bool {
        if let given = try bool(key) { return given }
        switch try catalogDefault(key) {
        case "true": return true
        case "false": return false
        default: try badDefault(key, "true or false")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw StepError.badArgument(step: step.name, key: key, expected: "true or false", found: "'\(text)'")
        }
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let v = argument(key) else { return nil }
        switch v {
        case .scalar(let s, _, _): return [s]
        case .list(let items, _):
            return try items.map { item in
                guard let t = item.text else { throw StepError.badArgument(step: step.name, key: key, expected: "a list of names", found: item.brief) }
                return t
            }
        case .map: throw StepError.badArgument(step: step.name, key: key, expected: "a list of names", found: "a mapping")
        }
    }
}

/// Errors of steps.
public enum StepError: Error, CustomStringConvertible {
    case badArgument(step: String, key: String, expected: String, found: String)
    case missingInput(step: String, what: String)
    case failed(step: String, message: String)
    case timedOut(step: String, seconds: Double)
    case commandFailed(step: String, status: Int32, signal: Int32?)

    public var description: String {
        switch self {
        case .badArgument(let step, let key, let expected, let found): return "step '\(step)': with.\(key): expected \(expected), found \(found)"
        case .missingInput(let step, let what): return "step '\(step)': \(what)"
        case .failed(let step, let message): return "step '\(step)': \(message)"
        case .timedOut(let step, let seconds): return "step '\(step)' timed out after \(TimeText.duration(seconds)) (timeout:)"
        case .commandFailed(let step, let status, let signal):
            if let signal { return "step '\(step)': the command was killed by signal \(signal)" }
            return "step '\(step)': the command exited with status \(status)"
        }
    }
}
