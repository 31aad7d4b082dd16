import ArgumentParser
import DeckStore
import DeckTUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck [dashboard] [--workspace DIR] [--theme NAME] [--read-only]`: the terminal dashboard.
/// It is the default subcommand, so `mldeck` alone opens it.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the terminal dashboard (the default when no command is given).",
        discussion: """
        Keys: 1-6 or Tab switch panes, j/k move, Enter opens, Esc goes back, / filters, s sorts, \
        : runs a command (:runs, :theme NAME, :q), ? lists every key, q quits. \
        space marks runs and c compares them (pane 4); L launches a run (:run PIPELINE key=value), \
        R re-runs the selected run, ctrl-k cancels a running one; pane 6 lists the pipelines. \
        Themes: --theme NAME or MLDECK_THEME (bundled: default, light, high-contrast, solarized-dark, \
        gruvbox-dark, monochrome; yours in $XDG_CONFIG_HOME/mldeck/themes). NO_COLOR turns colours off. \
        MLDECK_FRAME_LOG=FILE logs per-frame timings.
        """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "The theme (a name or a .theme file; default: MLDECK_THEME or default).") var theme: String?
    @Flag(name: .long, help: "Refuse every action that changes something (promote, kill, run).") var readOnly = false
    /// For benchmarks and tests: render into memory at WxH instead of the terminal, apply `--keys`, print the screen, exit.
    @Option(name: .long, help: .hidden) var headless: String?
    /// Keys for `--headless`, comma-separated in key-binding spelling (`j,j,enter,]`).
    @Option(name: .long, help: .hidden) var keys: String?

    func run() async throws {
        let global = self.global
        let themeName = theme ?? ProcessInfo.processInfo.environment["MLDECK_THEME"]
        try await DashboardLauncher.open(store: { try global.openStore() }, theme: themeName, readOnly: readOnly,
                                         headless: headless, keys: keys, reexecArguments: CommandLine.arguments)
    }
}

/// Shared by `mldeck dashboard` and `mldeck demo`. Runs on the main actor: the dashboard's loop
/// suspends between input waits, so other main-actor work is not starved.
@MainActor
enum DashboardLauncher {
    /// - Parameter store: opens the workspace's store (called on the main actor).
    /// - Parameter reexecArguments: the command line that opens this dashboard again (used once to
    ///   restart with `SWIFT_BACKTRACE=interactive=no`).
    static func open(store openStore: @Sendable () throws -> DeckStore, theme: String?, readOnly: Bool,
                     headless: String?, keys: String?, reexecArguments: [String]) async throws {
        let store = try openStore()
        // A workspace that cannot be written is browsed read-only (promote and cancel are off).
        let readOnly = readOnly || store.isReadOnly
        if let headless {
            let parts = headless.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2 else { throw ValidationError("--headless takes WIDTHxHEIGHT, e.g. 120x35") }
            let text = try HeadlessDashboard.run(store: store, size: Size(width: parts[0], height: parts[1]), theme: theme,
                                                 readOnly: readOnly, keys: keys ?? "")
            print(text)
            return
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("the dashboard needs a terminal (stdin and stdout); for scripts use mldeck runs list")
        }
        reexecWithoutInteractiveBacktrace(reexecArguments)
        // Warnings on stderr would land on the dashboard's screen: damaged records are just skipped there.
        store.onDamagedRecord = nil
        var options = Dashboard.Options(theme: theme, readOnly: readOnly)
        options.runTriggers = true   // while no agent holds the runner lease, this dashboard fires triggers
        let dashboard = Dashboard(store: store, options: options)
        let signal = try await dashboard.run()
        if signal != 0 { Foundation.exit(128 + signal) }
    }

    /// Swift's crash backtracer stops at an interactive prompt when it sees a terminal; restart
    /// once with `SWIFT_BACKTRACE=interactive=no` (which the runtime reads at start) unless the
    /// user chose a setting.
    nonisolated static func reexecWithoutInteractiveBacktrace(_ args: [String]) {
        guard getenv("SWIFT_BACKTRACE") == nil, !args.isEmpty else { return }
        setenv("SWIFT_BACKTRACE", "interactive=no", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // exec failed: carry on in this process.
        for p in argv { free(p) }
    }
}
