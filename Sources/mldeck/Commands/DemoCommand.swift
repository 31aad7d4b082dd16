import ArgumentParser
import DeckEngine
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `mldeck demo [DIR] [--no-tui]`: builds a demo workspace (data in three versions, the churn
/// pipeline, a sweep of XGBoost runs, a registered model) and opens the dashboard on it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo workspace in a few seconds (no network) and open the dashboard on it.",
        discussion: """
        The data is a seeded, generated telecom churn table shaped like the public Telco churn data \
        (21 columns), in three versions: v1 3,000 customers, v2 500 more, v3 after a price rise \
        (drifted). A sweep of 20 XGBoost runs trains on v2 and two retraining runs on v3. The \
        endpoint's log ends with a drifted window: its monitor has raised a critical drift alert on \
        churn-model and the drift trigger has retrained. Without a terminal it only builds the \
        workspace and prints where it is. DIR defaults to $XDG_DATA_HOME/mldeck/demo (~/.local/share/mldeck/demo); an earlier demo \
        there is replaced, any other workspace is left alone.
        """)

    @Argument(help: "Where to build it.") var directory: String?
    @Flag(name: .long, help: "Only build the workspace; do not open the dashboard.") var noTui = false
    @Option(name: .long, help: "The dashboard's theme.") var theme: String?
    @Flag(name: .long, help: "Open the dashboard read-only.") var readOnly = false

    static func defaultDirectory() -> URL {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((env["HOME"] ?? NSTemporaryDirectory()) as NSString).appendingPathComponent(".local/share")
        return URL(fileURLWithPath: base).appendingPathComponent("mldeck/demo")
    }

    func run() async throws {
        // XGBoost's OpenMP threads spin-wait unless OMP_WAIT_POLICY=passive is set when the
        // process starts; on a busy machine that makes training several times slower. Restart
        // once with it (and with SWIFT_BACKTRACE=interactive=no for the dashboard that follows).
        if getenv("OMP_WAIT_POLICY") == nil {
            setenv("OMP_WAIT_POLICY", "passive", 1)
            if getenv("SWIFT_BACKTRACE") == nil { setenv("SWIFT_BACKTRACE", "interactive=no", 1) }
            var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
            execv("/proc/self/exe", &argv)
            for p in argv { free(p) }
        }
        let url = directory.map { URL(fileURLWithPath: $0) } ?? Self.defaultDirectory()
        let builder = DemoWorkspace.builder(directory: url)
        let summary = try builder.build { FileHandle.standardError.write(Data("demo: \($0)\n".utf8)) }
        var lines = ["Built the demo workspace in \(summary.root.path) in \(String(format: "%.1f", summary.seconds)) s:",
                     "  data      \(summary.datasetFiles.map(\.lastPathComponent).joined(separator: ", "))",
                     "  runs      \(summary.runs) (a sweep of 20 on v2, 2 retrained on the drifted v3)"]
        if let auc = summary.bestValidationAUC { lines.append("  best      validation AUC \(String(format: "%.4f", auc))") }
        lines += summary.registryNotes.map { "  \($0)" }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        if noTui {
            print(summary.root.path)
            return
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            // Built, but there is no terminal to open the dashboard in: say where it is and how to open it.
            let path = ShellQuoting.quote(summary.root.path)
            FileHandle.standardError.write(Data(("No terminal here to open the dashboard in (standard input and output are not a tty).\n"
                + "Open it from a terminal with:  mldeck dashboard --workspace \(path)\n"
                + "or look around with:           mldeck alerts list --workspace \(path)\n").utf8))
            print(summary.root.path)
            return
        }
        let root = summary.root
        let themeName = theme ?? ProcessInfo.processInfo.environment["MLDECK_THEME"]
        var again = [CommandLine.arguments.first ?? "mldeck", "dashboard", "--workspace", summary.root.path]
        if let themeName { again += ["--theme", themeName] }
        if readOnly { again.append("--read-only") }
        try await DashboardLauncher.open(store: { try DeckStore.open(Workspace(root: root)) }, theme: themeName, readOnly: readOnly, headless: nil, keys: nil, reexecArguments: again)
    }
}
