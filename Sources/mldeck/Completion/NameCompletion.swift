import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// Shell completion of the names a workspace holds: pipelines, datasets, models (with their
/// aliases) and runs. The shell calls `mldeck` back while the user presses Tab, from the current
/// folder; any failure (no workspace, a locked store) completes nothing rather than printing.
enum NameCompletion {
    static let pipelines = CompletionKind.custom { _, _, prefix in names(prefix) { _ in
        try PipelineEnvironment.loadConfig(try Workspace.locate(explicit: nil)).pipelines.map(\.name) } }

    static let datasets = CompletionKind.custom { _, _, prefix in names(prefix) { store in
        try store.datasets().flatMap { summary in [summary.name] + (summary.latest.map { ["\(summary.name)@\($0.number)"] } ?? []) } } }

    static let models = CompletionKind.custom { _, _, prefix in names(prefix) { store in
        try store.models().flatMap { model in [model.name] + model.aliases.keys.sorted().map { "\(model.name)@\($0)" } } } }

    static let runs = CompletionKind.custom { _, _, prefix in names(prefix) { store in
        try store.listRuns(RunQuery(limit: 200)).flatMap { [$0.run.name, String($0.run.id.prefix(8))] } } }

    /// The candidates that start with `prefix`, or none when the workspace cannot be read.
    static func names(_ prefix: String, _ list: (DeckStore) throws -> [String]) -> [String] {
        guard let store = try? DeckStore.open(try Workspace.locate(explicit: nil)), let all = try? list(store) else { return [] }
        var seen = Set<String>()
        return all.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
    }
}
