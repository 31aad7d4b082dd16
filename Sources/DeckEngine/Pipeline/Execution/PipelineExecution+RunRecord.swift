import DeckML
import DeckStore
import Foundation

/// The run record of a pipeline run: created (or a queued one taken over) with its lineage, and
/// the content hashes of the steps' `deps` that go into the code hash and the cache keys.
extension PipelineExecution {

    func createOrTakeOverRun(pipeline: PipelineSpec, params: [String: String], dataset: ResolvedDataset?,
                             codeHash: String, gitCommit: String?) throws -> RunHandle {
        let lineage = RunLineage(datasetVersion: dataset?.label, codeHash: codeHash, gitCommit: gitCommit,
                                 parentRunID: request.parentRunID, trigger: request.trigger)
        let command = request.commandLine ?? "mldeck run \(pipeline.name)"
        if let existing = request.existingRunID {
            let record = try store.resolveRun(existing)
            guard record.status == .queued else { throw PipelineRunError.runNotQueued(record.id, status: record.status) }
            let handle = record.handle
            try store.startQueuedRun(handle)
            try store.logParams(params, run: handle)
            try store.updateLineage(lineage, run: handle)
            return handle
        }
        return try store.createRun(RunStart(name: request.runName, experiment: request.experiment ?? pipeline.name, status: .running,
                                            command: command, pipeline: pipeline.name, params: params,
                                            tags: ["mldeck.pipeline": pipeline.name], lineage: lineage))
    }

    /// SHA-256 of each step's `deps` files (relative to the workspace), by step.
    func hashDeps(_ pipeline: PipelineSpec) throws -> [String: [(String, String)]] {
        try PipelineCodeHash.dependencies(of: pipeline, workspaceRoot: store.workspace.root, configFile: config.file)
    }
}
