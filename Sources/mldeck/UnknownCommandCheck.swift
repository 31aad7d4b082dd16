import ArgumentParser
import DeckEngine

/// Catches a mistyped subcommand before argument parsing: with `dashboard` as the default
/// subcommand, `mldeck modles` would otherwise be read as `mldeck dashboard modles` and answered
/// with the dashboard's usage.
enum UnknownCommandCheck {
    /// The message for an unknown first word of `arguments` (without the program name), or nil
    /// when the first word is an option, a known subcommand or absent.
    static func message(for arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = MLDeckCommand.configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(first) else { return nil }
        let hint = Suggestion.closest(to: first, in: names).map { "; did you mean '\($0)'?" } ?? ""
        return "mldeck: unknown command '\(first)'\(hint) (see 'mldeck --help' for the commands)"
    }
}
