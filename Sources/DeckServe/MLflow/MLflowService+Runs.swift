import DeckStore
import Foundation

extension MLflowService {
    /// The run a request names (`run_id`, or the older `run_uuid`), by its exact id.
    func run(_ p: MLflowParams) throws -> RunRecord {
        let id = try Self.runID(p)
        guard let run = try store.runRecord(exactID: id) else { throw MLflowError.runNotFound(id) }
        return try noteCall(run)
    }

    /// A run that may still be logged to (MLflow refuses deleted runs).
    func activeRun(_ p: MLflowParams) throws -> RunHandle {
        let record = try run(p)
        guard !record.deleted else {
            throw MLflowError.invalid("The run \(record.id) must be in the 'active' state. Current state is deleted.")
        }
        return record.handle
    }

    /// The whole run as MLflow's `Run`, metrics at their latest point (largest step, then time,
    /// then value), as the store's summaries keep it: no series is read.
    func runJSON(_ record: RunRecord, into json: inout JSONText) throws {
        let details = try store.runDetails(record.id)
        let metrics = details.metrics.map { summary in
            (key: summary.key, value: summary.last, timestamp: MLflowJSON.millis(summary.lastTime ?? 0), step: summary.lastStep)
        }
        MLflowJSON.run(record, experimentID: try experimentID(named: record.experiment), params: details.params, tags: details.tags,
                       metrics: metrics, into: &json)
    }

    func wrapRun(_ record: RunRecord) throws -> String {
        var json = JSONText()
        json.raw("{"); json.key("run"); try runJSON(record, into: &json); json.raw("}")
        return json.text
    }

    func createRun(_ p: MLflowParams) throws -> String {
        let experiment = try self.experiment(id: try p.string("experiment_id") ?? "0")
        if try store.experimentState(id: experiment.id).deleted {
            throw MLflowError.invalid("The experiment \(mlflowID(experiment)) must be in the 'active' state. Current state is deleted.")
        }
        var tags: [String: String] = [:]
        for t in try p.objects("tags") {
            let key = try t.required("key")
            try MLflowLimits.checkKey(key, what: "tag")
            tags[key] = MLflowLimits.truncated(try t.string("value") ?? "", to: MLflowLimits.tagValue)
        }
        let name = (try p.string("run_name")).flatMap { $0.isEmpty ? nil : $0 } ?? tags["mlflow.runName"]
        var lineage = RunLineage(gitCommit: tags["mlflow.source.git.commit"])
        if let parent = tags["mlflow.parentRunId"], try store.runRecord(exactID: parent) != nil { lineage.parentRunID = parent.lowercased() }
        let startTime = try p.int64("start_time").map { Double($0) / 1000 } ?? Date().timeIntervalSince1970
        // No owner: the MLflow client sends no heartbeat, so the run stays RUNNING until it is ended (as in MLflow).
        let start = RunStart(name: name, experiment: experiment.name, status: .running, command: tags["mlflow.source.name"],
                             tags: tags, lineage: lineage, owner: nil, startTime: startTime)
        let handle = try store.createRun(start)
        guard let record = try store.runRecord(exactID: handle.id) else { throw MLflowError.runNotFound(handle.id) }
        if tags["mlflow.runName"] != record.name { try store.setTags(["mlflow.runName": record.name], run: handle) }
        return try wrapRun(record)
    }

    func getRun(_ p: MLflowParams) throws -> String { try wrapRun(try run(p)) }

    func updateRun(_ p: MLflowParams) throws -> String {
        let record = try run(p)
        let handle = record.handle
        if let name = try p.string("run_name"), !name.isEmpty, name != record.name {
            try store.renameRun(handle, to: name)
            try store.setTags(["mlflow.runName": name], run: handle)
        }
        if let statusText = try p.string("status") {
            let status = try Self.runStatus(statusText)
            if status.isFinal {
                let end = try p.int64("end_time").map { Double($0) / 1000 }
                try store.finishRun(handle, status: status, reason: status == .finished ? nil : "the MLflow client ended the run \(statusText)", endTime: end)
            }
        }
        guard let updated = try store.runRecord(exactID: record.id) else { throw MLflowError.runNotFound(record.id) }
        var json = JSONText()
        json.raw("{"); json.key("run_info"); json.raw("{")
        json.key("run_id"); json.string(updated.id); json.raw(","); json.key("run_uuid"); json.string(updated.id)
        json.raw(","); json.key("run_name"); json.string(updated.name)
        json.raw(","); json.key("experiment_id"); json.string(try experimentID(named: updated.experiment))
        json.raw(","); json.key("status"); json.string(MLflowJSON.status(updated.status))
        json.raw(","); json.key("start_time"); json.raw(String(MLflowJSON.millis(updated.startTime)))
        if let end = updated.endTime { json.raw(","); json.key("end_time"); json.raw(String(MLflowJSON.millis(end))) }
        json.raw(","); json.key("artifact_uri"); json.string("mlflow-artifacts:/\(try experimentID(named: updated.experiment))/\(updated.id)/artifacts")
        json.raw(","); json.key("lifecycle_stage"); json.string(updated.deleted ? "deleted" : "active")
        json.raw("}}")
        return json.text
    }

    static func runStatus(_ text: String) throws(MLflowError) -> RunStatus {
        switch text.uppercased() {
        case "RUNNING", "1": return .running
        case "SCHEDULED", "2": return .queued
        case "FINISHED", "3": return .finished
        case "FAILED", "4": return .failed
        case "KILLED", "5": return .killed
        default: throw .invalid("Invalid run status '\(text)': expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED")
        }
    }

    func setRunDeleted(_ p: MLflowParams, _ deleted: Bool) throws -> String {
        let record = try run(p)
        try store.setDeleted(deleted, run: record.handle)
        return "{}"
    }

    func deleteTag(_ p: MLflowParams) throws -> String {
        let handle = try activeRun(p)
        let key = try p.required("key")
        guard try store.deleteTag(key, run: handle) else {
            throw MLflowError.notFound("No tag with name: \(key) in run with id \(handle.id)")
        }
        return "{}"
    }
}
