import DeckML
import Foundation

/// Reads `monitors:` and `on_alert:` of `mldeck.yaml` into a ``MonitoringConfig``, rejecting
/// unknown keys and values of the wrong shape with the file, line and key (as the pipeline parser does).
///
/// ```yaml
/// monitors:
///   churn-model:
///     alias: production          # which version `mldeck monitor churn-model` watches
///     window: 1000               # last N predictions, or a time span: 30m, 12h, 7d
///     min_rows: 30               # smaller windows are not judged
///     drift_share: 0.5           # dataset drift when this share of columns drifts
///     columns: [tenure, contract]          # only these (default: every input column)
///     numerical_test: wasserstein          # default test per column type
///     categorical_test: jensenshannon
///     threshold: 0.1                       # default threshold for every column
///     tests: {tenure: ks, monthly_charges: {test: psi, threshold: 0.2}}
///     quality: {metric: accuracy, floor: 0.75, window: 500, min_labels: 30}
/// on_alert: "curl -s -X POST -d @- https://chat.example/hook"   # or {run: …, timeout: 30s, shell: true}
/// ```
public struct MonitorSpecParser {
    /// The file named in errors.
    public let file: String
    let base: PipelineSpecParser

    /// A parser whose errors name `file`.
    public init(file: String) { self.file = file; base = PipelineSpecParser(file: file) }

    static let monitorKeys = ["alias", "window", "min_rows", "drift_share", "columns", "numerical_test", "categorical_test",
                              "threshold", "tests", "quality", "description"]
    static let qualityKeys = ["metric", "floor", "ceiling", "window", "min_labels"]
    static let columnKeys = ["test", "threshold"]
    static let onAlertKeys = ["run", "shell", "timeout"]

    /// Parses the monitoring sections of a parsed workspace file.
    public func parse(_ config: WorkspaceConfig) throws -> MonitoringConfig {
        var result = MonitoringConfig()
        if let monitors = config.monitors, !monitors.isNull {
            guard case .map(let pairs, _) = monitors else {
                throw base.error(monitors.location, "monitors", "expected a mapping of model names to monitors, e.g. `churn-model: {window: 1000}`")
            }
            for (name, at, body) in pairs { result.monitors.append(try monitor(name, at: at, body)) }
        }
        if let onAlert = config.sections["on_alert"], !onAlert.isNull { result.onAlert = try alertCommand(onAlert) }
        return result
    }

    func monitor(_ model: String, at: ConfigLocation, _ body: ConfigValue) throws -> MonitorSpec {
        let path = "monitors.\(model)"
        try base.checkName(model, at: at, path: path, what: "model")
        var spec = MonitorSpec(model: model, location: at)
        if body.isNull { return spec }
        guard case .map(let pairs, _) = body else {
            throw base.error(body.location, path, "expected a mapping such as `{window: 1000, drift_share: 0.5}` (found \(body.brief))")
        }
        for (key, keyAt, value) in pairs {
            let child = path + "." + key
            switch key {
            case "alias": spec.alias = try base.scalar(value, child, "an alias name such as production").lowercased()
            case "window": spec.window = try window(value, child)
            case "min_rows": spec.minRows = try count(value, child, range: 1...10_000_000)
            case "drift_share": spec.drift.driftShare = try number(value, child, "a share in (0, 1]", accept: { $0 > 0 && $0 <= 1 })
            case "columns":
                let names = try base.stringList(value, child, "a column name or a list of column names")
                guard !names.isEmpty else { throw base.error(value.location, child, "expected at least one column name") }
                spec.drift.columns = names
            case "numerical_test": spec.drift.numericalTest = try test(value, child, numeric: true)
            case "categorical_test": spec.drift.categoricalTest = try test(value, child, numeric: false)
            case "threshold": spec.drift.threshold = try threshold(value, child)
            case "tests":
                guard case .map(let columns, _) = value else {
                    throw base.error(value.location, child, "expected a mapping of column names to tests, e.g. `{tenure: ks}`")
                }
                for (column, _, setting) in columns { spec.drift.perColumn[column] = try columnSetting(setting, child + "." + column) }
            case "quality": spec.quality = try quality(value, child)
            case "description": _ = try base.scalar(value, child, "text")
            default: throw base.unknownKey(key, at: keyAt, path: path, known: Self.monitorKeys)
            }
        }
        if let columns = spec.drift.columns {
            for name in spec.drift.perColumn.keys.sorted() where !columns.contains(name) {
                throw base.error(body["tests"]?.location, "\(path).tests.\(name)", "column '\(name)' is not in `columns:` (\(columns.joined(separator: ", ")))")
            }
        }
        return spec
    }

    func window(_ value: ConfigValue, _ key: String) throws -> MonitorWindow {
        let text = try base.scalar(value, key, "a number of predictions (1000) or a time span (30m, 12h, 7d)")
        if let n = Int(text) {
            guard n >= 1 && n <= 10_000_000 else { throw base.error(value.location, key, "expected 1 to 10000000 predictions, found \(n)") }
            return .lastPredictions(n)
        }
        guard let seconds = DurationText.seconds(text), text.last?.isLetter == true, seconds >= 1, seconds <= 366 * 86_400 else {
            throw base.error(value.location, key, "expected a number of predictions (1000) or a time span from 1s to 366d (30m, 12h, 7d); found '\(text)'")
        }
        return .timeSpan(seconds)
    }

    func count(_ value: ConfigValue, _ key: String, range: ClosedRange<Int>) throws -> Int {
        let text = try base.scalar(value, key, "a whole number")
        guard let n = Int(text), range.contains(n) else {
            throw base.error(value.location, key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text)'")
        }
        return n
    }

    func number(_ value: ConfigValue, _ key: String, _ expected: String, accept: (Double) -> Bool) throws -> Double {
        let text = try base.scalar(value, key, expected)
        guard let x = Double(text), x.isFinite, accept(x) else { throw base.error(value.location, key, "expected \(expected), found '\(text)'") }
        return x
    }

    func threshold(_ value: ConfigValue, _ key: String) throws -> Double {
        try number(value, key, "a threshold ≥ 0 (a p-value for ks, chisquare and z; a distance for the others)", accept: { $0 >= 0 })
    }

    func test(_ value: ConfigValue, _ key: String, numeric: Bool?) throws -> DriftTest {
        let text = try base.scalar(value, key, "a test name")
        let names = DriftTest.allCases.map(\.rawValue).joined(separator: ", ")
        guard let test = DriftTest(name: text) else {
            let hint = Suggestion.closest(to: text, in: DriftTest.allCases.map(\.rawValue)).map { " (did you mean `\($0)`?)" } ?? ""
            throw base.error(value.location, key, "unknown test '\(text)'\(hint); tests: \(names)")
        }
        if numeric == false && test.needsNumbers {
            throw base.error(value.location, key, "\(test.rawValue) needs numbers; for categorical columns use chisquare, z, jensenshannon or psi")
        }
        return test
    }

    func columnSetting(_ value: ConfigValue, _ key: String) throws -> DriftOptions.Column {
        if case .scalar = value { return DriftOptions.Column(test: try test(value, key, numeric: nil)) }
        guard case .map(let pairs, _) = value else { throw base.error(value.location, key, "expected a test name or `{test: ks, threshold: 0.05}`") }
        var column = DriftOptions.Column()
        for (k, kAt, v) in pairs {
            switch k {
            case "test": column.test = try test(v, key + ".test", numeric: nil)
            case "threshold": column.threshold = try threshold(v, key + ".threshold")
            default: throw base.unknownKey(k, at: kAt, path: key, known: Self.columnKeys)
            }
        }
        return column
    }

    func quality(_ value: ConfigValue, _ path: String) throws -> QualitySpec {
        guard case .map(let pairs, let at) = value else {
            throw base.error(value.location, path, "expected a mapping such as `{metric: accuracy, floor: 0.75}`")
        }
        var metric: String?, floor: Double?, ceiling: Double?, window = 500, minLabels = 30
        for (key, keyAt, item) in pairs {
            let child = path + "." + key
            switch key {
            case "metric":
                let name = try base.scalar(item, child, "a metric name").lowercased()
                guard QualitySpec.metrics[name] != nil else {
                    let known = QualitySpec.metrics.keys.sorted()
                    let hint = Suggestion.closest(to: name, in: known).map { " (did you mean `\($0)`?)" } ?? ""
                    throw base.error(item.location, child, "unknown metric '\(name)'\(hint); metrics: \(known.joined(separator: ", "))")
                }
                metric = name
            case "floor": floor = try number(item, child, "a number", accept: { _ in true })
            case "ceiling": ceiling = try number(item, child, "a number", accept: { _ in true })
            case "window": window = try count(item, child, range: 1...10_000_000)
            case "min_labels": minLabels = try count(item, child, range: 1...10_000_000)
            default: throw base.unknownKey(key, at: keyAt, path: path, known: Self.qualityKeys)
            }
        }
        guard let metric, let higher = QualitySpec.metrics[metric] else { throw base.error(at, path, "needs `metric:` (e.g. accuracy, auc, rmse)") }
        if higher {
            if ceiling != nil { throw base.error(value["ceiling"]?.location, path + ".ceiling", "\(metric) is better when higher: give `floor:` (the lowest value allowed)") }
            guard let floor else { throw base.error(at, path, "needs `floor:`, the lowest \(metric) allowed (e.g. floor: 0.75)") }
            return QualitySpec(metric: metric, bound: floor, higherIsBetter: true, window: window, minLabels: minLabels)
        }
        if floor != nil { throw base.error(value["floor"]?.location, path + ".floor", "\(metric) is better when lower: give `ceiling:` (the highest value allowed)") }
        guard let ceiling else { throw base.error(at, path, "needs `ceiling:`, the highest \(metric) allowed (e.g. ceiling: 0.5)") }
        return QualitySpec(metric: metric, bound: ceiling, higherIsBetter: false, window: window, minLabels: minLabels)
    }

    func alertCommand(_ value: ConfigValue) throws -> AlertCommandSpec {
        switch value {
        case .scalar(let text, _, _):
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw base.error(value.location, "on_alert", "the command is empty") }
            return AlertCommandSpec(command: text)
        case .map(let pairs, let at):
            var spec = AlertCommandSpec(command: "")
            for (key, keyAt, item) in pairs {
                switch key {
                case "run": spec.command = try base.scalar(item, "on_alert.run", "a command line")
                case "shell": spec.shell = try base.bool(item, "on_alert.shell")
                case "timeout": spec.timeout = try base.duration(item, "on_alert.timeout")
                default: throw base.unknownKey(key, at: keyAt, path: "on_alert", known: Self.onAlertKeys)
                }
            }
            guard !spec.command.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw base.error(at, "on_alert", "needs `run:`, the command that gets the alert as JSON on standard input")
            }
            return spec
        case .list:
            throw base.error(value.location, "on_alert", "expected a command line, or `{run: COMMAND, timeout: 30s}`")
        }
    }
}
