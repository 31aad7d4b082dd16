import ArgumentParser
import DeckEngine

/// `mldeck pipelines builtins [--json]`: every built-in step with its options, from `BuiltinCatalog`.
struct PipelinesBuiltins: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "builtins",
                                                    abstract: "List the built-in steps (`uses:`) with their `with:` options and defaults.")
    @OptionGroup var output: OutputOptions

    /// A built-in as `--json` prints it.
    struct BuiltinJSON: Encodable {
        struct Option: Encodable {
            var key: String; var type: String; var `default`: String; var allowed: String?; var required: Bool; var summary: String
        }
        var name: String; var summary: String; var options: [Option]
    }

    func run() throws {
        if output.json {
            return try JSONOutput.print(BuiltinCatalog.entries.map { e in
                BuiltinJSON(name: e.name, summary: e.summary, options: e.options.map {
                    .init(key: $0.key, type: $0.kind.rawValue, default: $0.defaultText, allowed: $0.range?.expected, required: $0.required, summary: $0.summary)
                })
            })
        }
        for (i, entry) in BuiltinCatalog.entries.enumerated() {
            if i > 0 { print("") }
            print("\(entry.name) — \(entry.summary)")
            let own = entry.options.filter { $0.defaultText != "XGBoost's" }
            let width = own.map(\.key.count).max() ?? 0
            for o in own {
                let allowed = o.range.map { "; \($0.expected)" } ?? ""
                let value = o.required ? "required" : "default \(o.defaultText)"
                print("  \(o.key.padding(toLength: width, withPad: " ", startingAt: 0))  \(o.kind.rawValue), \(value)\(allowed): \(o.summary)")
            }
            let passed = entry.options.filter { $0.defaultText == "XGBoost's" }.map(\.key)
            if !passed.isEmpty { print("  + XGBoost 1.7 parameters (default XGBoost's): \(passed.joined(separator: ", "))") }
        }
    }
}
