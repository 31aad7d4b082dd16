import ArgumentParser
import DeckEngine
import DeckStore
import Foundation

/// `mldeck pipelines list|show NAME|builtins`
struct PipelinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pipelines", abstract: "The pipelines of mldeck.yaml.",
                                                    subcommands: [PipelinesList.self, PipelinesShow.self, PipelinesBuiltins.self], defaultSubcommand: PipelinesList.self)
}

/// A pipeline as `pipelines list|show --json` prints it.
struct PipelineJSON: Encodable {
    struct Step: Encodable {
        var name: String; var kind: String; var needs: [String]; var condition: String?; var command: String?
        var with: PlainValue; var deps: [String]; var outs: [String]; var metrics: String?; var timeout: Double?; var retries: Int
        enum CodingKeys: String, CodingKey { case name, kind, needs, condition = "if", command = "run", with, deps, outs, metrics, timeout, retries }
    }
    var name: String
    var dataset: String?
    var params: PlainValue
    var steps: [Step]
    var triggers: [TriggerSpec]
    var lastRun: RunRecord?

    enum CodingKeys: String, CodingKey { case name, dataset, params, steps, triggers, lastRun = "last_run" }

    init(_ p: PipelineSpec, lastRun: RunRecord?) {
        name = p.name; dataset = p.dataset
        params = .map(p.params.map { ($0.key, .string($0.value)) })
        steps = p.steps.map { s in
            var command: String?
            if case .command(let c, _) = s.action { command = c }
            return Step(name: s.name, kind: s.action.kind, needs: s.needs, condition: s.condition, command: command,
                        with: .map(s.with.map { ($0.key, $0.value.plain) }), deps: s.deps, outs: s.outs, metrics: s.metricsFile,
                        timeout: s.timeout, retries: s.retries)
        }
        triggers = p.triggers
        self.lastRun = lastRun
    }
}


struct PipelinesList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the pipelines with their steps and last run.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try global.openStore()
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        if output.json { return try JSONOutput.print(config.pipelines.map { PipelineJSON($0, lastRun: try store.lastRun(ofPipeline: $0.name)) }) }
        if config.pipelines.isEmpty { print("no pipelines in \(config.file)"); return }
        var table = TextTable(headers: ["PIPELINE", "DATASET", "STEPS", "TRIGGERS", "LAST RUN"])
        for p in config.pipelines {
            let last = try store.lastRun(ofPipeline: p.name).map { "\($0.id.prefix(8)) \($0.status.rawValue) \(Formatting.time($0.startTime))" } ?? "-"
            table.add([p.name, p.dataset ?? "-", p.steps.map(\.name).joined(separator: "→"), p.triggers.map(\.on).joined(separator: ",").isEmpty ? "-" : p.triggers.map(\.on).joined(separator: ","), last])
        }
        print(table.render())
    }
}

struct PipelinesShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a pipeline: dataset, params, steps, triggers.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The pipeline.", completion: NameCompletion.pipelines) var name: String

    func run() throws {
        let store = try global.openStore()
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        guard let p = config.pipeline(name) else {
            throw PipelineRunError.unknownPipeline(name, known: config.pipelines.map(\.name), file: config.file)
        }
        let last = try store.lastRun(ofPipeline: p.name)
        if output.json { return try JSONOutput.print(PipelineJSON(p, lastRun: last)) }
        print("Pipeline \(p.name)  (\(config.file):\(p.location.line))")
        print("  dataset   \(p.dataset ?? "-")")
        if !p.params.isEmpty { print("  params    " + p.params.map { "\($0.key)=\($0.value)" }.joined(separator: "  ")) }
        print("\nSteps")
        var table = TextTable(headers: ["  STEP", "KIND", "NEEDS", "IF", "DETAIL"])
        for s in p.steps {
            var detail = ""
            if case .command(let c, _) = s.action { detail = c }
            else { detail = s.with.map { "\($0.key)=\(Self.detail($0.value))" }.joined(separator: " ") }
            table.add(["  " + s.name, s.action.kind, s.needs.joined(separator: ","), s.condition ?? "", detail])
        }
        print(table.render())
        var used: [String] = []
        for s in p.steps { if case .builtin(let name) = s.action, !used.contains(name) { used.append(name) } }
        let entries = used.compactMap(BuiltinCatalog.entry)
        if !entries.isEmpty {
            print("\nBuilt-ins  (their options: mldeck pipelines builtins)")
            let width = entries.map(\.name.count).max() ?? 0
            for e in entries { print("  \(e.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(e.summary)") }
        }
        if !p.triggers.isEmpty {
            print("\nTriggers")
            for t in p.triggers { print("  on \(t.on)" + t.options.sorted { $0.key < $1.key }.map { "  \($0.key)=\($0.value)" }.joined()) }
        }
        if let last { print("\nLast run  \(last.id.prefix(8))  \(last.status.rawValue)  \(Formatting.time(last.startTime))") }
    }

    /// A `with:` value written out whole, as in the YAML: lists in brackets, maps in braces.
    static func detail(_ value: ConfigValue) -> String {
        switch value {
        case .scalar(let text, _, _): return text
        case .list(let items, _): return "[" + items.map(detail).joined(separator: ", ") + "]"
        case .map(let entries, _): return "{" + entries.map { "\($0.key): \(detail($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
