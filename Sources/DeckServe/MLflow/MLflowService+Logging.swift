import DeckStore
import Foundation

/// One logging call (`runs/log-metric`, `log-parameter`, `set-tag`, `log-batch`), parsed and
/// checked against MLflow's limits before it reaches the store: what it writes to which run.
struct LoggingCall: Sendable {
    var runID: String
    var params: [String: String] = [:]
    var tags: [String: String] = [:]
    var metrics: [MetricPoint] = []
}

extension MLflowService {
    /// The calls a training script makes most often: `mldeck server` writes them through the group
    /// commit (``GroupCommit``), many requests' writes in one transaction.
    public static let loggingEndpoints: Set<String> = ["runs/log-metric", "runs/log-parameter", "runs/set-tag", "runs/log-batch"]

    /// Answers a logging call through the group commit: parsed here, written by the writer thread
    /// in its own savepoint of a shared transaction, answered once that transaction commits. Calls
    /// that only log metrics (`log-metric`, a metrics-only `log-batch`) to one run merge with the
    /// others waiting for that run: one run lookup and one stored chunk per key for all of them.
    public func handleLogging(_ endpoint: String, params: MLflowParams) async throws(MLflowError) -> String {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<String, MLflowError>, Never>) in
            handleLogging(endpoint, params: params) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// ``handleLogging(_:params:)`` for callers that are not async (the event loop of
    /// `mldeck server`'s ``FastRoute``): `completion` gets the answer once the group commits, on
    /// the writer thread (or at once, on the caller's, when the call is refused before writing).
    public func handleLogging(_ endpoint: String, params: MLflowParams, completion: @escaping @Sendable (Result<String, MLflowError>) -> Void) {
        let call: LoggingCall
        do {
            call = try Self.loggingCall(endpoint, params)
        } catch {
            completion(.failure(MLflowError.from(error)))
            return
        }
        let answer: @Sendable (Result<Void, any Error>) -> Void = { result in
            completion(result.map { "{}" }.mapError { MLflowError.from($0) })
        }
        if call.params.isEmpty && call.tags.isEmpty {
            committer.submit(merging: call, key: call.runID, apply: { [self] writer, calls in try applyMetrics(calls, with: writer) }, completion: answer)
        } else {
            committer.submit({ [self] writer in try apply(call, with: writer) }, completion: answer)
        }
    }

    /// The same call in a transaction of its own (``handle(_:params:)``).
    func log(_ endpoint: String, _ p: MLflowParams) throws -> String {
        let call = try Self.loggingCall(endpoint, p)
        try store.withTrackingWriter { writer in try apply(call, with: writer) }
        return "{}"
    }

    /// The run id a request names (`run_id`, or the older `run_uuid`).
    static func runID(_ p: MLflowParams) throws -> String {
        let id = try p.string("run_id") ?? p.string("run_uuid") ?? ""
        guard !id.isEmpty else { throw MLflowError.invalid("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.") }
        return id
    }

    static func loggingCall(_ endpoint: String, _ p: MLflowParams) throws -> LoggingCall {
        var call = LoggingCall(runID: try runID(p))
        switch endpoint {
        case "runs/log-metric":
            call.metrics = [try metricPoint(p)]
        case "runs/log-parameter":
            let key = try p.required("key")
            try MLflowLimits.checkKey(key, what: "param")
            call.params[key] = MLflowLimits.truncated(try p.string("value") ?? "", to: MLflowLimits.paramValue)
        case "runs/set-tag":
            let key = try p.required("key")
            try MLflowLimits.checkKey(key, what: "tag")
            call.tags[key] = MLflowLimits.truncated(try p.string("value") ?? "", to: MLflowLimits.tagValue)
        default:
            try batch(p, into: &call)
        }
        return call
    }

    static func batch(_ p: MLflowParams, into call: inout LoggingCall) throws {
        let metrics = try p.objects("metrics"), params = try p.objects("params"), tags = try p.objects("tags")
        if metrics.count > MLflowLimits.batchMetrics || params.count > MLflowLimits.batchParams || tags.count > MLflowLimits.batchTags
            || metrics.count + params.count + tags.count > MLflowLimits.batchTotal {
            throw MLflowError.invalid("A batch logging request can contain at most \(MLflowLimits.batchMetrics) metrics, \(MLflowLimits.batchParams) params and \(MLflowLimits.batchTags) tags (\(MLflowLimits.batchTotal) in all); got \(metrics.count) metrics, \(params.count) params and \(tags.count) tags")
        }
        for param in params {
            let key = try param.required("key")
            try MLflowLimits.checkKey(key, what: "param")
            let value = MLflowLimits.truncated(try param.string("value") ?? "", to: MLflowLimits.paramValue)
            if let earlier = call.params[key], earlier != value {
                throw MLflowError.invalid("Duplicate parameter keys have been submitted: key '\(key)' with values '\(earlier)' and '\(value)'")
            }
            call.params[key] = value
        }
        for tag in tags {
            let key = try tag.required("key")
            try MLflowLimits.checkKey(key, what: "tag")
            call.tags[key] = MLflowLimits.truncated(try tag.string("value") ?? "", to: MLflowLimits.tagValue)
        }
        call.metrics = try metrics.map { try metricPoint($0) }
    }

    static func metricPoint(_ p: MLflowParams) throws -> MetricPoint {
        let key = try p.required("key")
        try MLflowLimits.checkKey(key, what: "metric")
        guard let value = try p.double("value") else { throw MLflowError.invalid("Missing value for required parameter 'value'.") }
        guard let timestamp = try p.int64("timestamp") else { throw MLflowError.invalid("Missing value for required parameter 'timestamp'.") }
        return MetricPoint(key: key, value: value, step: try p.int64("step") ?? 0, timestamp: Double(timestamp) / 1000)
    }

    /// Writes metrics-only calls to one run (`calls` all name the same run) inside the open
    /// transaction, as ``apply(_:with:)`` would one after another: the points in arrival order.
    func applyMetrics(_ calls: [LoggingCall], with writer: TrackingWriter) throws {
        guard let first = calls.first else { return }
        try apply(LoggingCall(runID: first.runID, metrics: calls.flatMap(\.metrics)), with: writer)
    }

    /// Writes a logging call inside the open transaction: finds the run (reviving one failed for
    /// inactivity, refusing a deleted one), then params (immutable: MLflow's message when one
    /// would change), tags (system tags carried onto the run's lineage) and metrics.
    func apply(_ call: LoggingCall, with writer: TrackingWriter) throws {
        guard let record = try writer.loggableRun(exactID: call.runID) else { throw MLflowError.runNotFound(call.runID) }
        let run = record.handle
        callClock.touch(run.id)
        if record.status == .failed, record.statusReason?.hasPrefix(Self.inactiveReasonPrefix) == true {
            try writer.reviveRun(run, reasonPrefix: Self.inactiveReasonPrefix)
        }
        guard !record.deleted else {
            throw MLflowError.invalid("The run \(run.id) must be in the 'active' state. Current state is deleted.")
        }
        do {
            try writer.logParams(call.params, run: run)
        } catch TrackingError.paramChanged(_, let key, let old, let new) {
            throw MLflowError.invalid("Changing param values is not allowed. Param with key='\(key)' was already logged with value='\(old)' for run ID='\(run.id)'. Attempted logging new value '\(new)'.")
        }
        if !call.tags.isEmpty {
            try writer.setTags(call.tags, run: run)
            if let name = call.tags["mlflow.runName"], !name.isEmpty { try writer.renameRun(run, to: name) }
            if let parent = call.tags["mlflow.parentRunId"] { try writer.setParent(parent, run: run) }
            try writer.updateSource(command: call.tags["mlflow.source.name"], gitCommit: call.tags["mlflow.source.git.commit"], run: run)
        }
        try writer.logMetrics(call.metrics, run: run)
    }
}
