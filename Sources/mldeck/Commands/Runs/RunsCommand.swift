import ArgumentParser

/// `mldeck runs …`
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List, inspect, compare and manage tracked runs.",
        subcommands: [RunsList.self, RunsShow.self, RunsCompare.self, RunsCancel.self, RunsDelete.self, RunsRestore.self,
                      RunsArtifacts.self, RunsLog.self, RunsCreate.self, RunsEnd.self],
        defaultSubcommand: RunsList.self)
}
