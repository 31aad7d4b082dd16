import ArgumentParser
import DeckStore
import Foundation

/// The program's entry: parses the command line with ``MLDeckCommand`` (an `AsyncParsableCommand`
/// root whose subcommands may be synchronous or async) and maps errors to MLDeck's exit status:
/// 0 success, 1 failure, 2 usage (as the design says).
///
/// `main()` runs on the main actor, so synchronous subcommands run on the main thread as before;
/// the dashboard's loop suspends between input waits so other main-actor work still runs.
@main
enum MLDeckMain {
    @MainActor
    static func main() async {
        if let message = UnknownCommandCheck.message(for: Array(CommandLine.arguments.dropFirst())) {
            fail(message, status: 2)
        }
        do {
            var command = try await MLDeckCommand.asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(for: error)
        }
    }

    /// Prints the message for `error` and exits with its status.
    @MainActor
    static func exit(for error: any Error) -> Never {
        if error is CleanExit || error is ExitCode { MLDeckCommand.exit(withError: error) }
        // A filter the user typed is a usage error (exit 2), shown with its column and caret.
        if let error = error as? FilterError { fail("mldeck: error: \(error)", status: 2) }
        let code = MLDeckCommand.exitCode(for: error)
        // ArgumentParser gives every usage error (unknown option, bad value, failed validate()) the
        // exit code EX_USAGE; MLDeck's documented status for it is 2.
        if code == .validationFailure { fail(MLDeckCommand.fullMessage(for: error), status: 2) }
        if code != .failure { MLDeckCommand.exit(withError: error) }
        let shown = DeckStore.userFacing(error, workspace: (try? Workspace.locate().root.path) ?? "the workspace")
        fail("mldeck: error: \(UserMessage.text(for: shown))", status: 1)
    }

    /// Writes `message` and a newline to standard error and exits with `status`.
    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(status)
    }
}
