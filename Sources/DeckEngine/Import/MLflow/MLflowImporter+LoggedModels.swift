import DeckStore
import Foundation

extension MLflowImporter {
    /// Where a version whose source is an MLflow 3 logged model (`models:/m-…`) finds its model
    /// file: the logged model's files are copied from the source into its source run's artifacts
    /// under `models/<model_id>/` (files already there with the same size are kept, so a second
    /// or resumed import copies nothing again), then the model file is picked there as for a
    /// `runs:/` source. When the source does not know the logged model (`mldeck server`, whose
    /// logged-model records last only its lifetime, answers 404) the files the run already brought
    /// under `models/<model_id>/` are used. A logged model without a source run is skipped: MLDeck
    /// keeps a version's files with the run that made it. Returns nil with the reason in the summary.
    func loggedModelFile(id: String, versionRunID: String?, what: String,
                         into summary: inout MLflowImportSummary) throws -> (runID: String, details: RunDetails, picked: (artifact: ArtifactRecord, framework: String))? {
        var model: MLflowLoggedModel?
        var readError: String?
        do { model = try reader.loggedModel(id: id) } catch { readError = Self.message(error) }
        let runID = (versionRunID.flatMap { $0.isEmpty ? nil : $0 } ?? model?.sourceRunID)?.lowercased()
        guard let runID, Self.isRunID(runID) else {
            if model != nil {
                summary.skip(what, "its logged model \(id) was logged outside a run (it has no source run): MLDeck keeps a version's files with the run that made it; log the model inside mlflow.start_run() to import it")
            } else {
                summary.skip(what, readError.map { "its logged model \(id) cannot be read: \($0)" } ?? "its logged model \(id) is not in the source and the version names no run")
            }
            return nil
        }
        guard let before = try? store.runDetails(runID), before.run.id == runID else {
            summary.skip(what, "its run \(runID) (which logged model \(id)) is not in the workspace"); return nil
        }
        let folder = "models/\(id)"
        var have: [String: ArtifactRecord] = [:]
        for artifact in before.artifacts where artifact.path.hasPrefix(folder + "/") { have[artifact.path] = artifact }
        if let model {
            do {
                for file in try reader.artifacts(of: model) {
                    let path = folder + "/" + file.path
                    if let old = have[path], file.size == nil || file.size == old.size { continue }
                    let local = try reader.localFile(of: file, model: model)
                    defer { if local.temporary { try? FileManager.default.removeItem(at: local.url) } }
                    let record = try store.logArtifact(run: RunHandle(id: runID), path: path, file: local.url)
                    have[path] = record
                    summary.artifacts += 1
                    summary.artifactBytes += record.size
                }
            } catch {
                summary.skip(what, "the files of its logged model \(id) cannot be copied: \(Self.message(error))"); return nil
            }
        }
        guard !have.isEmpty else {
            let reason = model != nil ? "its logged model \(id) has no files (\(model?.artifactURI ?? ""))"
                : readError.map { "its logged model \(id) cannot be read: \($0)" }
                ?? "its logged model \(id) is not in the source, and run \(runID) has no files under '\(folder)'"
            summary.skip(what, reason); return nil
        }
        let details = try store.runDetails(runID)
        guard let picked = MLflowModelFile.pick(in: details.artifacts, folder: folder) else {
            summary.skip(what, "no model file under '\(folder)' in the artifacts of run \(runID)"); return nil
        }
        return (runID, details, picked)
    }
}
