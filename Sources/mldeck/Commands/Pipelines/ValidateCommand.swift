import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck validate`: checks mldeck.yaml (keys, steps, needs, conditions, params, datasets, columns).
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check mldeck.yaml: every problem with its file, line and key.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Skip the dataset and column checks.") var noData = false

    struct Problem: Encodable { var file: String; var line: Int?; var column: Int?; var key: String; var message: String }

    func run() throws {
        let workspace = try Workspace.locate(explicit: global.workspace)
        var problems: [PipelineConfigError] = []
        var config: WorkspaceConfig?
        do { config = try PipelineEnvironment.loadConfig(workspace) } catch let error as PipelineConfigError { problems = [error] }
        if let config {
            var validator = PipelineValidator(file: config.file)
            if !noData, let store = try? DeckStore.open(workspace) { validator.datasets = PipelineEnvironment.datasetSource(for: store) }
            problems = validator.problems(in: config)
            if !output.json { for note in validator.notes(in: config) { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) } }
        }
        if output.json {
            try JSONOutput.print(problems.map { Problem(file: $0.file, line: $0.location?.line, column: $0.location?.column, key: $0.key, message: $0.message) })
        } else if problems.isEmpty {
            let count = config?.pipelines.count ?? 0
            print("\(workspace.configURL.path): \(count) pipeline\(count == 1 ? "" : "s"), no problems")
        } else {
            for p in problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
        }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
