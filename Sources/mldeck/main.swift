import ArgumentParser
import DeckStore
import Foundation

// Exit status: 0 success, 1 failure, 2 usage (as the design says).
if let message = UnknownCommandCheck.message(for: Array(CommandLine.arguments.dropFirst())) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}
do {
    var command = try MLDeckCommand.parseAsRoot()
    try command.run()
} catch let error as CleanExit {
    MLDeckCommand.exit(withError: error)
} catch let error as ExitCode {
    MLDeckCommand.exit(withError: error)
} catch let error as FilterError {
    // A filter the user typed is a usage error (exit 2), shown with its column and caret.
    FileHandle.standardError.write(Data("mldeck: error: \(error)\n".utf8))
    exit(2)
} catch {
    let code = MLDeckCommand.exitCode(for: error)
    // ArgumentParser gives every usage error (unknown option, bad value, failed validate()) the
    // exit code EX_USAGE; MLDeck's documented status for it is 2.
    if code == .validationFailure {
        FileHandle.standardError.write(Data((MLDeckCommand.fullMessage(for: error) + "\n").utf8))
        exit(2)
    }
    if code != .failure {
        MLDeckCommand.exit(withError: error)
    }
    let shown = DeckStore.userFacing(error, workspace: (try? Workspace.locate().root.path) ?? "the workspace")
    FileHandle.standardError.write(Data("mldeck: error: \(UserMessage.text(for: shown))\n".utf8))
    exit(1)
}
