import Foundation

/// Turns the ``ConfigValue`` tree of `mldeck.yaml` into ``WorkspaceConfig``, rejecting unknown
/// keys and values of the wrong shape with the file, line and key.
public struct PipelineSpecParser {
    public let file: String

    public init(file: String) { self.file = file }

    static let topLevelKeys = ["pipelines", "monitors", "on_alert", "retention", "serve"]
    static let pipelineKeys = ["dataset", "params", "steps", "triggers", "description"]
    static let stepKeys = ["uses", "run", "shell", "with", "needs", "if", "deps", "outs", "metrics", "timeout", "retries", "cache", "env", "description"]

    /// Parses a whole file.
    public func parse(_ root: ConfigValue) throws -> WorkspaceConfig {
        guard case .map(let pairs, _) = root else {
            throw error(root.location, "", "the file must be a mapping with `pipelines:` (found \(root.brief))")
        }
        var config = WorkspaceConfig(file: file, pipelines: [])
        for (key, keyAt, value) in pairs {
            switch key {
            case "pipelines":
                if value.isNull { continue }
                guard case .map(let named, _) = value else { throw error(value.location, "pipelines", "expected a mapping of pipeline names to pipelines") }
                for (name, nameAt, body) in named { config.pipelines.append(try pipeline(name, at: nameAt, body)) }
            case "monitors": config.monitors = value
            default:
                guard Self.topLevelKeys.contains(key) else { throw unknownKey(key, at: keyAt, path: "", known: Self.topLevelKeys) }
                config.sections[key] = value
            }
        }
        return config
    }

    func pipeline(_ name: String, at: ConfigLocation, _ body: ConfigValue) throws -> PipelineSpec {
        let path = "pipelines.\(name)"
        try checkName(name, at: at, path: path, what: "pipeline")
        guard case .map(let pairs, _) = body else { throw error(body.location, path, "expected a mapping with `steps:` (found \(body.brief))") }
        var dataset: String?, params: [(key: String, value: String)] = [], steps: [StepSpec] = [], triggers: [TriggerSpec] = []
        var sawSteps = false
        for (key, keyAt, value) in pairs {
            let child = path + "." + key
            switch key {
            case "dataset": dataset = try scalar(value, child, "a dataset name (NAME or NAME@VERSION) or a data file path")
            case "description": _ = try scalar(value, child, "text")
            case "params":
                if value.isNull { continue }
                guard case .map(let items, _) = value else { throw error(value.location, child, "expected a mapping of param names to values") }
                for (k, kAt, v) in items {
                    try checkName(k, at: kAt, path: child + "." + k, what: "param")
                    params.append((k, try scalar(v, child + "." + k, "a number or text")))
                }
            case "steps":
                sawSteps = true
                guard case .map(let items, _) = value, !items.isEmpty else {
                    throw error(value.location, child, "expected a mapping of step names to steps, e.g. `train: {uses: xgboost}`")
                }
                for (position, item) in items.enumerated() {
                    _ = position
                    steps.append(try step(item.key, at: item.keyAt, item.value, path: child + "." + item.key))
                }
            case "triggers":
                if value.isNull { continue }
                guard case .list(let items, _) = value else { throw error(value.location, child, "expected a list such as `- {on: dataset-update}`") }
                for (i, item) in items.enumerated() { triggers.append(try trigger(item, path: child + "[\(i)]")) }
            default:
                throw unknownKey(key, at: keyAt, path: path, known: Self.pipelineKeys)
            }
        }
        guard sawSteps else { throw error(at, path, "has no `steps:`") }
        return PipelineSpec(name: name, dataset: dataset, params: params, steps: steps, triggers: triggers, location: at, raw: body)
    }

    func step(_ name: String, at: ConfigLocation, _ body: ConfigValue, path: String) throws -> StepSpec {
        try checkName(name, at: at, path: path, what: "step")
        guard case .map(let pairs, _) = body else {
            throw error(body.location, path, "expected a mapping with `uses:` (a built-in) or `run:` (a command), found \(body.brief)")
        }
        var spec = StepSpec(name: name, action: .builtin(""), location: at, raw: body)
        var uses: String?, run: String?, shell = false
        for (key, keyAt, value) in pairs {
            let child = path + "." + key
            spec.keyLocations[key] = value.location.line > 0 ? value.location : keyAt
            switch key {
            case "uses": uses = try scalar(value, child, "the name of a built-in step")
            case "run":
                if case .list(let items, _) = value {
                    run = try items.enumerated().map { try scalar($1, child + "[\($0)]", "text") }.map(ShellQuoting.quote).joined(separator: " ")
                } else { run = try scalar(value, child, "a command line") }
            case "shell": shell = try bool(value, child)
            case "with":
                if value.isNull { continue }
                guard case .map(let items, _) = value else { throw error(value.location, child, "expected a mapping of argument names to values") }
                for (k, kAt, v) in items {
                    spec.with.append((k, v))
                    spec.keyLocations["with." + k] = kAt
                }
            case "needs": spec.needs = try stringList(value, child, "a step name or a list of step names")
            case "if":
                let text = try scalar(value, child, "a condition such as `metrics.auc > 0.8`")
                spec.condition = text
            case "deps": spec.deps = try stringList(value, child, "a file path or a list of file paths")
            case "outs": spec.outs = try stringList(value, child, "a file path or a list of file paths")
            case "metrics": spec.metricsFile = try scalar(value, child, "the path of a JSON metrics file")
            case "timeout": spec.timeout = try duration(value, child)
            case "retries":
                guard let n = Int(try scalar(value, child, "a whole number")), n >= 0, n <= 100 else {
                    throw error(value.location, child, "expected a whole number from 0 to 100, found \(value.brief)")
                }
                spec.retries = n
            case "cache": spec.cache = try bool(value, child)
            case "env":
                guard case .map(let items, _) = value else { throw error(value.location, child, "expected a mapping of variable names to values") }
                for (k, _, v) in items { spec.environment.append((k, try scalar(v, child + "." + k, "text"))) }
            case "description": _ = try scalar(value, child, "text")
            default:
                throw unknownKey(key, at: keyAt, path: path, known: Self.stepKeys)
            }
        }
        switch (uses, run) {
        case (let u?, nil): spec.action = .builtin(u)
        case (nil, let r?):
            guard !r.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(spec.keyLocations["run"], path + ".run", "the command is empty") }
            spec.action = .command(r, shell: shell)
        case (.some, .some): throw error(at, path, "has both `uses:` and `run:`; a step is either a built-in or a command")
        case (nil, nil): throw error(at, path, "needs `uses:` (a built-in: \(BuiltinCatalog.names.joined(separator: ", "))) or `run:` (a command)")
        }
        if case .builtin = spec.action {
            for key in ["deps", "outs", "metrics", "env", "shell"] where spec.keyLocations[key] != nil {
                throw error(spec.keyLocations[key], path + "." + key, "only `run:` steps take `\(key)`")
            }
        }
        return spec
    }

    func trigger(_ value: ConfigValue, path: String) throws -> TriggerSpec {
        guard case .map(let pairs, let at) = value else { throw error(value.location, path, "expected a mapping such as `{on: schedule, cron: \"0 3 * * *\"}`") }
        guard let onValue = value["on"] else { throw error(at, path, "needs `on:` (one of \(TriggerSpec.kinds.sorted().joined(separator: ", ")))") }
        let on = try scalar(onValue, path + ".on", "a trigger kind")
        guard TriggerSpec.kinds.contains(on) else {
            throw error(onValue.location, path + ".on", "unknown trigger '\(on)' (expected one of \(TriggerSpec.kinds.sorted().joined(separator: ", ")))")
        }
        var options: [String: String] = [:]
        let allowed = TriggerSpec.optionKeys[on] ?? []
        for (key, keyAt, item) in pairs where key != "on" {
            guard allowed.contains(key) else { throw unknownKey(key, at: keyAt, path: path, known: ["on"] + allowed.sorted()) }
            switch key {
            case "debounce": options[key] = String(try duration(item, path + "." + key))
            case "catch_up": options[key] = try bool(item, path + "." + key) ? "true" : "false"
            default: options[key] = try scalar(item, path + "." + key, "text")
            }
        }
        try TriggerOptionsCheck(parser: self, value: value, path: path).check(on: on, options: options, at: at)
        return TriggerSpec(on: on, options: options, location: at)
    }

    // MARK: Helpers

    func error(_ at: ConfigLocation?, _ key: String, _ message: String) -> PipelineConfigError {
        PipelineConfigError(file: file, location: at, key: key, message: message)
    }

    func unknownKey(_ key: String, at: ConfigLocation, path: String, known: [String]) -> PipelineConfigError {
        let full = path.isEmpty ? key : path + "." + key
        let hint = Suggestion.closest(to: key, in: known).map { " (did you mean `\($0)`?)" } ?? ""
        return error(at, full, "unknown key\(hint); expected one of: \(known.joined(separator: ", "))")
    }

    func checkName(_ name: String, at: ConfigLocation, path: String, what: String) throws {
        let ok = !name.isEmpty && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" || $0 == "." }
        guard ok else { throw error(at, path, "'\(name)' is not a valid \(what) name (use letters, digits, '_', '-' and '.')") }
    }

    func scalar(_ value: ConfigValue, _ key: String, _ expected: String) throws -> String {
        guard case .scalar(let text, _, _) = value else { throw error(value.location, key, "expected \(expected), found \(value.brief)") }
        return text
    }

    func stringList(_ value: ConfigValue, _ key: String, _ expected: String) throws -> [String] {
        switch value {
        case .scalar(let s, _, _): return value.isNull ? [] : [s]
        case .list(let items, _): return try items.enumerated().map { try scalar($1, key + "[\($0)]", "text") }
        case .map: throw error(value.location, key, "expected \(expected), found a mapping")
        }
    }

    func bool(_ value: ConfigValue, _ key: String) throws -> Bool {
        let text = try scalar(value, key, "true or false")
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(value.location, key, "expected true or false, found '\(text)'")
        }
    }

    func duration(_ value: ConfigValue, _ key: String) throws -> Double {
        let text = try scalar(value, key, "seconds or a duration such as 30s, 10m, 2h")
        // Finite and at most 10^9 s (about 31 years): the timer's arithmetic must not overflow.
        guard let seconds = DurationText.seconds(text), seconds > 0, seconds <= 1e9 else {
            throw error(value.location, key, "expected seconds or a duration such as 30s, 10m, 2h (more than 0, at most 1e9 seconds); found '\(text)'")
        }
        return seconds
    }
}

/// Durations written as `90`, `90s`, `10m`, `1.5h`.
public enum DurationText {
    /// Seconds, or nil when `text` is not a number with an optional unit (ms, s, m, h, d).
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            if let n = Double(t.dropLast(suffix.count)) { return n * factor }
        }
        return Double(t)
    }
}

/// "Did you mean" for unknown names (edit distance ≤ 2, or a shared prefix).
public enum Suggestion {
    /// The candidate nearest to `word`, when one is near enough to be a typo of it.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter { $0.1 <= (word.count <= 3 ? 1 : 2) }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.utf8), y = Array(b.utf8)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
