import DeckInput
import DeckStore
import Foundation

/// Checks pipelines before anything runs: built-ins and their `with:` keys, `needs` (unknown
/// steps, cycles), the inputs each built-in needs upstream, `if:` expressions, `${params.x}`
/// references, and (given a dataset source) that the dataset and the named columns exist.
public struct PipelineValidator {
    public let file: String
    /// Resolves datasets for the data checks; nil skips them.
    public var datasets: DatasetSource?

    public init(file: String, datasets: DatasetSource? = nil) { self.file = file; self.datasets = datasets }

    /// Fields an `if:` may use.
    static let conditionNamespaces: Set<String> = ["metrics", "params", "tags", "production.metrics", "production.params"]

    /// Every problem found in one pipeline (empty when it is valid). `overrides` are `-p` params.
    public func problems(in pipeline: PipelineSpec, overrides: [String: String] = [:]) -> [PipelineConfigError] {
        var found: [PipelineConfigError] = []
        let path = "pipelines.\(pipeline.name)"
        func add(_ at: ConfigLocation?, _ key: String, _ message: String) {
            found.append(PipelineConfigError(file: file, location: at, key: key, message: message))
        }
        var params = pipeline.paramDictionary
        for (k, v) in overrides { params[k] = v }
        let names = pipeline.steps.map(\.name)
        let graph = PipelineGraph(pipeline)

        for step in pipeline.steps {
            let stepPath = "\(path).steps.\(step.name)"
            // needs
            for need in step.needs where !names.contains(need) {
                let hint = Suggestion.closest(to: need, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                add(step.keyLocations["needs"], "\(stepPath).needs", "unknown step '\(need)'\(hint); steps: \(names.joined(separator: ", "))")
            }
            if step.needs.contains(step.name) { add(step.keyLocations["needs"], "\(stepPath).needs", "a step cannot need itself") }
            // built-in and its arguments
            if case .builtin(let name) = step.action {
                if let entry = BuiltinCatalog.entry(name) {
                    for (key, _) in step.with where !entry.keys.contains(key) {
                        let hint = Suggestion.closest(to: key, in: entry.keys).map { " (did you mean `\($0)`?)" } ?? ""
                        add(step.keyLocations["with." + key], "\(stepPath).with.\(key)",
                            "`\(name)` does not take `\(key)`\(hint); it takes: \(entry.keys.prefix(16).joined(separator: ", "))\(entry.keys.count > 16 ? ", … (XGBoost parameters)" : "")")
                    }
                    for key in entry.required where step.argument(key) == nil {
                        add(step.keyLocations["uses"] ?? step.location, "\(stepPath).with", "`\(name)` needs `with: {\(key): …}`")
                    }
                    checkUpstream(name, step: step, graph: graph, pipeline: pipeline, path: stepPath, add: add)
                    if name == "evaluate" { checkEvaluateMetrics(step, path: stepPath, add: add) }
                    if name == "select" { checkSelect(step, params: params, path: stepPath, add: add) }
                } else {
                    let hint = Suggestion.closest(to: name, in: BuiltinCatalog.names).map { " (did you mean '\($0)'?)" } ?? ""
                    add(step.keyLocations["uses"], "\(stepPath).uses", "unknown built-in '\(name)'\(hint); built-ins: \(BuiltinCatalog.names.joined(separator: ", "))")
                }
            }
            // ${params.x}, and the range of each numeric option of a built-in once filled in
            for (key, value) in step.with {
                do {
                    let filled = try Interpolation.apply(value, params: params)
                    if case .builtin(let name) = step.action, let problem = BuiltinOptionRanges.problem(builtin: name, key: key, value: filled) {
                        add(step.keyLocations["with." + key], "\(stepPath).with.\(key)", problem)
                    }
                } catch {
                    add(step.keyLocations["with." + key], "\(stepPath).with.\(key)", error.description)
                }
            }
            if case .builtin(let name) = step.action, ["xgboost", "linear"].contains(name),
               !["rounds", "num_boost_round", "n_estimators"].contains(where: { step.argument($0) != nil }),
               let text = params["rounds"], !BuiltinOptionRanges.rounds.accepts(text) {
                add(step.keyLocations["uses"] ?? step.location, "params.rounds", "the `\(name)` step \(step.name) reads params.rounds: expected \(BuiltinOptionRanges.rounds.expected), found '\(text)'")
            }
            if case .command(let command, _) = step.action {
                do { _ = try Interpolation.apply(command, params: params) } catch { add(step.keyLocations["run"], "\(stepPath).run", error.description) }
            }
            // if:
            if let condition = step.condition {
                do {
                    let expression = try FilterExpression.parse(condition)
                    for field in expression.fields {
                        let ok = Self.conditionNamespaces.contains(field.namespace)
                            || (field.namespace == "production" && ["exists", "version"].contains(field.name))
                        if !ok {
                            add(step.keyLocations["if"], "\(stepPath).if",
                                "`\(field)` cannot be used in a condition; use metrics.NAME, params.NAME, production.metrics.NAME or production.exists")
                        }
                    }
                } catch let error as FilterError {
                    add(step.keyLocations["if"], "\(stepPath).if", "bad condition at column \(error.column): \(error.message)\n" + error.excerpt(indent: "  "))
                } catch {
                    add(step.keyLocations["if"], "\(stepPath).if", "bad condition: \(error)")
                }
            }
        }
        if let cycle = graph.cycle() {
            let first = pipeline.step(cycle[0])
            add(first?.keyLocations["needs"] ?? first?.location, "\(path).steps", "the steps' `needs` form a cycle: \(cycle.joined(separator: " → "))")
        }
        let usesData = pipeline.steps.contains { if case .builtin("split") = $0.action { return true }; return false }
        if usesData && pipeline.dataset == nil {
            add(pipeline.location, path, "a `split` step needs the pipeline's `dataset:` (a registry name, NAME@VERSION, or a data file)")
        }
        if let datasets, let dataset = pipeline.dataset {
            checkData(dataset, source: datasets, pipeline: pipeline, path: path, add: add)
        }
        return found
    }

    /// Every problem in the whole file.
    public func problems(in config: WorkspaceConfig) -> [PipelineConfigError] {
        var found = config.pipelines.flatMap { problems(in: $0) }
        // monitors: and on_alert: (the first problem there; see MonitorSpecParser)
        do { _ = try MonitorSpecParser(file: file).parse(config) } catch let error as PipelineConfigError { found.append(error) } catch {}
        return found
    }

    func checkUpstream(_ name: String, step: StepSpec, graph: PipelineGraph, pipeline: PipelineSpec, path: String,
                       add: (ConfigLocation?, String, String) -> Void) {
        let upstream = graph.upstream(of: step.name).compactMap { pipeline.step($0)?.action.kind }
        if let (kinds, what) = BuiltinCatalog.entry(name)?.upstream, !upstream.contains(where: kinds.contains) {
            add(step.keyLocations["needs"] ?? step.keyLocations["uses"], "\(path).needs",
                "`\(name)` needs \(what) among the steps it needs (directly or not); step '\(step.name)' has none")
        }
    }

    func checkData(_ reference: String, source: DatasetSource, pipeline: PipelineSpec, path: String,
                   add: (ConfigLocation?, String, String) -> Void) {
        let datasetAt = pipeline.raw["dataset"]?.location
        let resolved: ResolvedDataset
        do { resolved = try source.resolve(reference) } catch {
            add(datasetAt, "\(path).dataset", "\(error)")
            return
        }
        guard let header = try? TableHeader.read(resolved.path) else {
            add(datasetAt, "\(path).dataset", "cannot read the header of \(resolved.path.path)")
            return
        }
        for step in pipeline.steps {
            guard case .builtin("split") = step.action else { continue }
            let stepPath = "\(path).steps.\(step.name).with"
            for key in ["target", "time_column"] {
                guard let value = step.argument(key)?.text else { continue }
                if !header.contains(value) {
                    let hint = Suggestion.closest(to: value, in: header).map { " (did you mean '\($0)'?)" } ?? ""
                    add(step.keyLocations["with." + key], "\(stepPath).\(key)", "no column '\(value)' in \(resolved.label)\(hint); columns: \(header.prefix(30).joined(separator: ", "))")
                }
            }
            for key in ["features", "exclude"] {
                guard let value = step.argument(key) else { continue }
                let names: [String]
                switch value {
                case .list(let items, _): names = items.compactMap(\.text)
                case .scalar(let s, _, _): names = [s]
                case .map: names = []
                }
                for name in names where !header.contains(name) {
                    let hint = Suggestion.closest(to: name, in: header).map { " (did you mean '\($0)'?)" } ?? ""
                    add(step.keyLocations["with." + key], "\(stepPath).\(key)", "no column '\(name)' in \(resolved.label)\(hint)")
                }
            }
        }
    }
}

/// The column names of a data file, read from its first line (CSV/TSV) or first object (JSON Lines).
enum TableHeader {
    static func read(_ url: URL) throws -> [String] {
        let fd: Int32
        do { fd = try InputFile.openForReading(url.path) } catch { throw DatasetSourceError.notFound(url.path, detail: "\(error)") }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? handle.close() }
        var bytes = Data()
        while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
            bytes.append(chunk)
            if chunk.contains(0x0A) || bytes.count > 4 << 20 { break }
        }
        let line = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r\u{FEFF}"))
        let ext = url.pathExtension.lowercased()
        if ext == "jsonl" || ext == "ndjson" {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return [] }
            return Array(object.keys)
        }
        let delimiter: Character = (ext == "tsv" || ext == "tab") ? "\t" : ","
        var fields: [String] = [], current = "", quoted = false
        var iterator = line.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" { quoted = false } else { current.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == delimiter { fields.append(current); current = "" }
            else { current.append(c) }
        }
        fields.append(current)
        return fields
    }
}
