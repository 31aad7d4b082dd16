import ArgumentParser
import DeckEngine
import Foundation

/// `mldeck track [--name N] [--experiment E] [-p K=V …] -- COMMAND …`
struct TrackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Run any command as a tracked run.",
        discussion: """
        The command gets MLDECK_RUN_ID, MLDECK_WORKSPACE, MLDECK_METRICS_FILE and MLDECK_OUTPUT_DIR. \
        JSON lines it appends to MLDECK_METRICS_FILE are recorded while it runs: \
        {"key":"loss","value":0.41,"step":3}, {"params":{"lr":"0.1"}}, {"tags":{"k":"v"}}, {"artifact":"path"}. \
        mldeck track exits with the command's exit status.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The run's name (default: a generated one).") var name: String?
    @Option(name: .long, help: "The experiment.") var experiment: String = "Default"
    @Option(name: [.customShort("p"), .long], help: "A param KEY=VALUE (repeatable).") var param: [String] = []
    @Option(name: .long, help: "A tag KEY=VALUE (repeatable).") var tag: [String] = []
    @Flag(name: .long, help: "Do not echo the command's output (it is still kept as the run's log).") var quiet = false
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. mldeck track -- python3 train.py") }
        _ = try KeyValue.parse(param, option: "-p")
        _ = try KeyValue.parse(tag, option: "--tag")
    }

    func run() throws {
        let store = try global.openStore()
        let tracked = TrackedCommand(store: store, options: .init(
            arguments: command, name: name, experiment: experiment,
            params: try KeyValue.parse(param, option: "-p"), tags: try KeyValue.parse(tag, option: "--tag"),
            echoOutput: !quiet))
        let outcome = try tracked.run()
        let skipped = outcome.problems.isEmpty ? "" : " (\(outcome.problems.count) metrics-file line\(outcome.problems.count == 1 ? "" : "s") skipped; see above)"
        FileHandle.standardError.write(Data("mldeck: run \(outcome.runID.prefix(8)) \(outcome.status.rawValue)\(skipped)\n".utf8))
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }
}

/// Parses `KEY=VALUE` arguments.
enum KeyValue {
    static func parse(_ items: [String], option: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ValidationError("\(option) expects KEY=VALUE, got '\(item)'")
            }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }
}
