import ArgumentParser
import DeckStore

/// `mldeck experiments list`
struct ExperimentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "experiments", abstract: "List experiments.",
                                                    subcommands: [List.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List experiments with their run counts.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let experiments = try global.openStore().experiments()
            if output.json { return try JSONOutput.print(experiments) }
            var table = TextTable(headers: ["EXPERIMENT", "RUNS", "RUNNING", "LAST RUN"])
            table.rightAligned = [1, 2]
            for e in experiments {
                table.add([e.name, String(e.runs), String(e.running), e.lastRunStart.map(Formatting.time) ?? "-"])
            }
            print(table.render())
        }
    }
}
