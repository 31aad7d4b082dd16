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
            let handle = RunHandle(rowID: record.rowID, id: record.id)
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
        var out: [String: [(String, String)]] = [:]
        var errors: [PipelineConfigError] = []
        for step in pipeline.steps where !step.deps.isEmpty {
            var list: [(String, String)] = []
            for path in step.deps {
                let url = WorkspacePath.resolve(path, in: store.workspace.root)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                    errors.append(PipelineConfigError(file: config.file, location: step.keyLocations["deps"],
                                                      key: "pipelines.\(pipeline.name).steps.\(step.name).deps",
                                                      message: "no file '\(path)' in the workspace (\(store.workspace.root.path))"))
                    continue
                }
                if isDirectory.boolValue {
                    let files = (FileManager.default.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []).sorted()
                    var text = ""
                    for f in files {
                        let child = url.appendingPathComponent(f)
                        var childIsDirectory: ObjCBool = false
                        if FileManager.default.fileExists(atPath: child.path, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                            text += f + "=" + ((try? FileHashing.sha256(of: child)) ?? "?") + "\n"
                        }
                    }
                    list.append((path, ObjectID.of(Data(text.utf8)).hex))
                } else {
                    do { list.append((path, try FileHashing.sha256(of: url))) } catch {   // a FIFO or device: said at its key
                        errors.append(PipelineConfigError(file: config.file, location: step.keyLocations["deps"], key: "pipelines.\(pipeline.name).steps.\(step.name).deps", message: "\(error)"))
                    }
                }
            }
            out[step.name] = list
        }
        if !errors.isEmpty { throw PipelineRunError.invalid(PipelineConfigErrors(errors)) }
        return out
    }
}
