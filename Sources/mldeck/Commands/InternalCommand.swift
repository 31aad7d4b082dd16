import ArgumentParser
import DeckEngine
import Foundation

/// `mldeck internal …`: commands MLDeck runs itself (hidden from help).
struct InternalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "internal", abstract: "Commands MLDeck runs itself.", shouldDisplay: false,
        subcommands: [RunJob.self])

    /// `mldeck internal run-job JOB.json --log FILE --result FILE [--reports FILE]`: runs a step job written by
    /// `StepJobFile.encode` in this fresh process (how a job runs on another process or machine).
    /// Exits with the job's status.
    struct RunJob: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run-job", abstract: "Run a step job from its JSON file.")

        @Argument(help: "The job's JSON file.") var job: String
        @Option(name: .long, help: "Where the job's output lines go.") var log: String
        @Option(name: .long, help: "Where the job's exit goes, as JSON.") var result: String
        @Option(name: .long, help: "Where every report of the job goes, one JSON line each.") var reports: String?

        func run() throws {
            let cancellation = CancellationToken()
            let signals = SignalForwarding.install { name, _ in cancellation.cancel(reason: "cancelled (\(name))") }
            defer { signals.forEach { $0.cancel() } }
            let exit = try StepJobFile.run(jobPath: job, logPath: log, resultPath: result, reportsPath: reports,
                                              cancellation: cancellation)
            if exit.shellStatus != 0 { throw ExitCode(exit.shellStatus) }
        }
    }
}
