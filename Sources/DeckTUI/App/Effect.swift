/// Something a key asks the app to do. Views return effects instead of reaching into the app,
/// which keeps key handling testable without a terminal.
@MainActor
public enum Effect {
    /// Only redraw (the view changed its own state).
    case redraw
    /// Show a view on top of the current pane's stack (drill in).
    case push(any View)
    /// Go back one view (what Esc does when the view does not use it).
    case pop
    /// Switch to pane `index` (0-based).
    case switchPane(Int)
    case quit
    case toast(Toast)
    /// Ask first: shows the dialog, then calls `then` with how it closed; its result is applied.
    case confirm(ModalDialog, then: @MainActor (ModalDialog.Outcome) -> Effect?)
    /// Hand an application event to ``AppModel/onEvent`` (e.g. start a run).
    case emit(AppEvent)
    /// Run a `:` command as if typed.
    case command(String)
    /// Open the command line with some text already typed.
    case openCommandLine(String)
    case batch([Effect])

    /// Shorthand for an info toast.
    public static func info(_ message: String) -> Effect { .toast(Toast(message)) }
    /// Shorthand for an error toast.
    public static func error(_ message: String) -> Effect { .toast(Toast(message, kind: .error, duration: 5)) }
}

/// An application-level request leaving the UI framework (the lead's code acts on it).
public struct AppEvent: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var arguments: [String]
    public init(_ name: String, _ arguments: [String] = []) { self.name = name; self.arguments = arguments }
    public var description: String { ([name] + arguments).joined(separator: " ") }
}

/// A `:` command: name, help, argument completion, and what it does.
@MainActor
public struct AppCommand {
    public var name: String
    public var summary: String
    /// Completions for the arguments typed so far (e.g. theme names for `theme`).
    public var completeArguments: (_ partial: String) -> [String]
    /// Runs the command with its arguments (split at spaces).
    public var run: (_ arguments: [String]) -> Effect?

    public init(_ name: String, summary: String, completeArguments: @escaping (String) -> [String] = { _ in [] },
                run: @escaping ([String]) -> Effect?) {
        self.name = name; self.summary = summary; self.completeArguments = completeArguments; self.run = run
    }
}
