import ArgumentParser
import DeckInput
import DeckEngine
import DeckML
import DeckStore
import Foundation

/// `mldeck models list|show|promote|export|predict`
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "The model registry: versions, aliases, export, batch scoring.",
        subcommands: [ModelsList.self, ModelsShow.self, ModelsPromote.self, ModelsAlias.self, ModelsTag.self, ModelsDeployments.self,
                      ModelsExport.self, ModelsPredict.self, ModelsCompareLive.self],
        defaultSubcommand: ModelsList.self)
}

struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List models with their latest version and aliases.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try global.openStore()
        let models = try store.models()
        if output.json { return try JSONOutput.print(models) }
        if models.isEmpty { print("no models yet (a pipeline's register step adds them)"); return }
        var table = TextTable(headers: ["MODEL", "VERSIONS", "LATEST", "ALIASES", "UPDATED", "LATEST METRICS"])
        table.rightAligned = [1, 2]
        for m in models {
            let aliases = m.aliases.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value)" }.joined(separator: " ")
            let metrics = m.latestMetrics.sorted { $0.key < $1.key }.prefix(4).map { "\($0.key) \(Formatting.number($0.value))" }.joined(separator: "  ")
            table.add([m.name, "\(m.versions)", m.latestVersion.map(String.init) ?? "-", aliases.isEmpty ? "-" : aliases,
                       m.updatedAt.map(Formatting.time) ?? "-", metrics])
        }
        print(table.render())
    }
}

struct ModelsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a model (its versions and alias history) or one version (NAME@V, NAME@ALIAS).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "NAME, NAME@VERSION or NAME@ALIAS.", completion: NameCompletion.models) var reference: String

    struct ModelJSON: Encodable { var name: String; var versions: [ModelVersionRecord]; var aliasHistory: [AliasHistoryEntry]
        enum CodingKeys: String, CodingKey { case name, versions, aliasHistory = "alias_history" } }

    func run() throws {
        let store = try global.openStore()
        let ref = try ModelReference(parsing: reference)
        if case .latest = ref.selector, !reference.contains("@") {
            let versions = try store.modelVersions(ref.model)
            let history = try store.aliasHistory(model: ref.model)
            if output.json { return try JSONOutput.print(ModelJSON(name: ref.model, versions: versions, aliasHistory: history)) }
            print("Model \(ref.model)  (\(versions.count) versions)")
            let tagged = versions.contains { !$0.tags.isEmpty }
            var table = TextTable(headers: ["  VERSION", "CREATED", "ALIASES", "DATASET", "RUN", "METRICS"] + (tagged ? ["TAGS"] : []))
            table.rightAligned = [0]
            for v in versions {
                table.add(["  \(v.version)", Formatting.time(v.createdAt), v.aliases.joined(separator: ","), v.datasetReference ?? "-",
                           v.runID.map { String($0.prefix(8)) } ?? "-",
                           v.metrics.sorted { $0.key < $1.key }.prefix(5).map { "\($0.key) \(Formatting.number($0.value))" }.joined(separator: "  ")]
                          + (tagged ? [v.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")] : []))
            }
            print(table.render())
            if !history.isEmpty {
                print("\nAlias history")
                for h in history.prefix(20) {
                    print("  \(Formatting.time(h.time))  \(h.alias): \(h.fromVersion.map(String.init) ?? "∅") → \(h.toVersion.map(String.init) ?? "∅")  by \(h.author)\(h.reason.map { "  — \($0)" } ?? "")")
                }
            }
            return
        }
        let v = try store.modelVersion(ref)
        if output.json { return try JSONOutput.print(v) }
        print("Model \(v.reference)\(v.aliases.isEmpty ? "" : "  (" + v.aliases.joined(separator: ", ") + ")")")
        print("  created     \(Formatting.time(v.createdAt))")
        print("  task        \(v.task ?? "-")   framework \(v.framework)")
        print("  lineage     run \(v.runID.map { String($0.prefix(8)) } ?? "-")  dataset \(v.datasetReference ?? "-")  code \(v.codeHash.map { String($0.prefix(12)) } ?? "-")")
        print("  objects     model \(v.modelObject.hex.prefix(12))  preprocessing \(v.preprocessingObject.map { String($0.hex.prefix(12)) } ?? "-")  reference \(v.referenceObject.map { String($0.hex.prefix(12)) } ?? "-")")
        if !v.metrics.isEmpty {
            print("\nMetrics")
            for (k, m) in v.metrics.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(Formatting.number(m))") }
        }
        if v.signature.isEmpty && v.preprocessingObject == nil && v.framework == "xgboost" {
            // Registered without preprocessing (through MLflow): the inputs are the booster's features.
            do {
                let loaded = try LoadedModel.load(store: store, version: v, threads: 1)
                print("\nInputs (\(loaded.spec.inputs.count), the booster's own features: no preprocessing was recorded, requests send these columns as numbers)")
                print("  " + loaded.spec.inputs.map { "\($0.name):\($0.type)" }.joined(separator: "  "))
            } catch {
                print("\nInputs: none recorded, and the model cannot be read for its features: \(error)")
            }
        } else {
            print("\nInputs (\(v.signature.count))")
            print("  " + v.signature.map { "\($0.name):\($0.type)" }.joined(separator: "  "))
        }
        if !v.tags.isEmpty {
            print("\nTags")
            for (k, t) in v.tags.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(t)") }
        }
        if !v.params.isEmpty {
            print("\nParams")
            for (k, p) in v.params.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(p)") }
        }
    }
}

struct ModelsPromote: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Point an alias at a version (recorded with time, author, from → to, reason).",
                                                    discussion: "mldeck models promote NAME V --alias A [--reason …]   or   mldeck models promote NAME --best-by METRIC [--where EXPR] --alias A")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The model.", completion: NameCompletion.models) var model: String
    @Argument(help: "The version (omit with --best-by).") var version: Int?
    @Option(name: .long, help: "The alias (production, staging, …).") var alias: String
    @Option(name: .long, help: "Why (kept in the alias history).") var reason: String?
    @Option(name: .long, help: "Pick the version with the best value of this metric.") var bestBy: String?
    @Option(name: .long, help: "Only versions matching this filter (with --best-by): metrics.X, params.X, tags.X, dataset ('churn' or 'churn@2'), version; e.g. \"metrics.auc > 0.8 and dataset = 'churn'\".") var `where`: String?
    @Flag(name: .long, help: "With --best-by: move the alias even when the best version is not better than the alias's current one.") var force = false

    func validate() throws {
        if version == nil && bestBy == nil { throw ValidationError("give a version, or --best-by METRIC") }
        if `where` != nil && bestBy == nil { throw ValidationError("--where chooses among versions for --best-by; add --best-by METRIC") }
        if version != nil && bestBy != nil { throw ValidationError("give either a version or --best-by, not both") }
    }

    func run() throws {
        let store = try global.openStore()
        let alias = self.alias.lowercased()  // alias names are case-insensitive
        struct Out: Encodable {
            var model: String; var alias: String; var version: Int; var changed: Bool; var move: AliasHistoryEntry?
            var decision: PromotionDecision?
        }
        var decision: PromotionDecision?
        let target: Int
        let move: AliasHistoryEntry?
        if let bestBy {
            let best = try store.bestModelVersion(model: model, metric: bestBy, filter: try `where`.map(ModelVersionFilter.init))
            target = best.version
            let policy = `where`.map { " where \($0)" } ?? ""
            let (judged, moved) = try store.promoteIfBetter(model: model, version: best.version, alias: alias, metric: bestBy, force: force) { judged in
                reason ?? "best by \(bestBy)\(policy): \(judged.message)\(judged.verdict == .notBetter ? " (forced)" : "")"
            }
            decision = judged
            move = moved
            if judged.verdict == .notBetter && !force {
                if output.json { return try JSONOutput.print(Out(model: model, alias: alias, version: judged.current ?? target, changed: false, decision: judged)) }
                print("\(model): \(judged.message) (--force moves it anyway)")
                return
            }
        } else if let version {
            target = version
            move = try store.setModelAlias(model: model, alias: alias, version: target, reason: reason)
        } else {
            throw ValidationError("give a version, or --best-by METRIC")
        }
        if output.json { return try JSONOutput.print(Out(model: model, alias: alias, version: target, changed: move != nil, move: move, decision: decision)) }
        if let decision, decision.verdict == .promote { print("\(model): \(decision.message)") }
        if let move {
            print("\(model)@\(alias): \(move.fromVersion.map(String.init) ?? "∅") → \(target)")
        } else {
            print("\(model)@\(alias) already points at version \(target)")
        }
    }
}

struct ModelsExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a version's model (XGBoost JSON), preprocessing and signature to a folder.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME, NAME@VERSION or NAME@ALIAS.", completion: NameCompletion.models) var reference: String
    @Argument(help: "The folder to create (written beside it, then renamed into place).") var directory: String
    @Flag(name: .long, help: "Replace DIR if it is empty or an earlier export (never a folder with other files).") var force = false

    func run() throws {
        let store = try global.openStore()
        let version = try store.modelVersion(try ModelReference(parsing: reference))
        let files = try ModelExporter.export(version, store: store, to: URL(fileURLWithPath: directory), force: force)
        print("exported \(version.reference) to \(directory): \(files.map(\.lastPathComponent).joined(separator: ", "))")
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        if files.contains(where: { $0.lastPathComponent == "mldeck_model.py" }) {
            print("python: from mldeck_model import load; m = load(\"\(folder)\"); m.predict(df)   (see \(folder)README.md)")
        } else {
            print("python: xgboost.Booster(model_file=\"\(folder)model.json\")")
        }
    }
}

/// CSV quoting of one field.
enum CSVText {
    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
