import ArgumentParser

/// The root command: `mldeck SUBCOMMAND`. It is async (see ``MLDeckMain``); subcommands may be
/// synchronous `ParsableCommand`s or `AsyncParsableCommand`s.
struct MLDeckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mldeck",
        abstract: "A terminal MLOps workbench: datasets, pipelines, experiment tracking, model registry.",
        version: MLDeckVersion.current,
        subcommands: [
            InitCommand.self, TrackCommand.self, RunsCommand.self, ExperimentsCommand.self, BenchCommand.self,
            DashboardCommand.self, DemoCommand.self,
            DatasetsCommand.self, FsckCommand.self, GcCommand.self, DriftCommand.self,
            RunCommand.self, PipelinesCommand.self, ValidateCommand.self, ModelsCommand.self, InternalCommand.self,
            ServeCommand.self, ServersCommand.self, ServerCommand.self, TriggersCommand.self, AgentCommand.self,
            ServeCommand.self, ServersCommand.self,
            MonitorCommand.self, AlertsCommand.self, ImportCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )
}

/// This build's version.
enum MLDeckVersion {
    static let current = "0.1.0"
}
