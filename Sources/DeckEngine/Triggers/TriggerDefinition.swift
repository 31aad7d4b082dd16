import Foundation

/// A trigger of a pipeline in its typed form, read from a parsed ``TriggerSpec``
/// (`mldeck.yaml` has already been checked by ``PipelineSpecParser``).
public struct TriggerDefinition: Sendable, Equatable {
    /// What makes it fire.
    public enum Kind: Sendable, Equatable {
        /// A new version of `dataset` (the pipeline's dataset unless the trigger names one).
        case datasetUpdate(dataset: String?)
        /// The pipeline's code hash (definition and `deps`) changed.
        case codeChange
        /// A cron schedule; `utc` false means the machine's local time.
        case schedule(CronExpression, timeZone: TimeZone, catchUp: Bool)
        /// A drift alert on `model`.
        case drift(model: String)
        /// A quality alert on `model`.
        case quality(model: String)
        /// Only started by hand (never fires).
        case manual
    }

    /// Debounce when a trigger does not say (seconds).
    public static let defaultDebounce: Double = 60

    public var pipeline: String
    /// Position in the pipeline's `triggers:` list.
    public var index: Int
    public var kind: Kind
    /// Firings closer than this to the first pending one coalesce into one run.
    public var debounce: Double
    public var spec: TriggerSpec

    /// A stable key of this trigger within its pipeline (`schedule:0 3 * * *`), so that its
    /// recorded state survives reordering the list.
    public var key: String {
        switch kind {
        case .datasetUpdate(let d): return "dataset-update:" + (d ?? "")
        case .codeChange: return "code-change"
        case .schedule(let cron, let tz, _): return "schedule:\(cron.text)@\(Self.isUTC(tz) ? "UTC" : tz.identifier)"
        case .drift(let m): return "drift:" + m
        case .quality(let m): return "quality:" + m
        case .manual: return "manual"
        }
    }

    /// `dataset-update`, `schedule`, …
    public var on: String { spec.on }

    /// One line: `schedule 0 3 * * * (UTC)`, `drift churn-model`, …
    public var summary: String {
        switch kind {
        case .datasetUpdate(let d): return "dataset-update" + (d.map { " " + $0 } ?? "")
        case .codeChange: return "code-change"
        case .schedule(let cron, let tz, let catchUp):
            let zone = Self.isUTC(tz) ? "UTC" : "local \(tz.identifier)"
            return "schedule \(cron.text) (\(zone))" + (catchUp ? " catch_up" : "")
        case .drift(let m): return "drift \(m)"
        case .quality(let m): return "quality \(m)"
        case .manual: return "manual"
        }
    }

    /// The typed trigger of `spec`; throws ``CronError`` for a cron the parser let through.
    public init(pipeline: String, index: Int, spec: TriggerSpec, localTimeZone: TimeZone = .current) throws {
        self.pipeline = pipeline; self.index = index; self.spec = spec
        debounce = spec.options["debounce"].flatMap { Double($0) } ?? Self.defaultDebounce
        switch spec.on {
        case "dataset-update": kind = .datasetUpdate(dataset: spec.options["dataset"])
        case "code-change": kind = .codeChange
        case "schedule":
            let cron = try CronExpression(spec.options["cron"] ?? "")
            kind = .schedule(cron, timeZone: Self.timeZone(spec.options["timezone"], local: localTimeZone) ?? localTimeZone,
                             catchUp: spec.options["catch_up"] == "true")
        case "drift": kind = .drift(model: spec.options["model"] ?? "")
        case "quality": kind = .quality(model: spec.options["model"] ?? "")
        default: kind = .manual
        }
    }

    /// `local` (or nothing), `UTC`, or an IANA zone name such as `Europe/Berlin`; nil when unknown.
    public static func timeZone(_ text: String?, local: TimeZone = .current) -> TimeZone? {
        guard let text, !text.isEmpty, text.lowercased() != "local" else { return local }
        if text.uppercased() == "UTC" { return TimeZone(identifier: "UTC") }
        return TimeZone(identifier: text)
    }

    /// `2026-11-30 03:00 UTC` / `… CET`: a time as the trigger's zone shows it.
    public static func timeText(_ seconds: Double, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = isUTC(zone) ? "yyyy-MM-dd HH:mm 'UTC'" : "yyyy-MM-dd HH:mm zzz"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    /// True for UTC (which Foundation on Linux names `GMT`).
    public static func isUTC(_ zone: TimeZone) -> Bool { zone.identifier == "UTC" || zone.identifier == "GMT" }

    /// The triggers of every pipeline of `config`, skipping none (the parser checked them).
    public static func all(in config: WorkspaceConfig, localTimeZone: TimeZone = .current) -> [TriggerDefinition] {
        config.pipelines.flatMap { p in
            p.triggers.enumerated().compactMap { try? TriggerDefinition(pipeline: p.name, index: $0.offset, spec: $0.element, localTimeZone: localTimeZone) }
        }
    }
}

/// The checks of a trigger's options that need more than their shape: a cron that parses and can
/// fire, a known time zone, a model for `drift` and `quality`. Errors name the key.
struct TriggerOptionsCheck {
    let parser: PipelineSpecParser
    let value: ConfigValue
    let path: String

    func check(on: String, options: [String: String], at: ConfigLocation) throws {
        switch on {
        case "schedule":
            guard let cron = options["cron"] else { throw parser.error(at, path, "a schedule trigger needs `cron:` (e.g. \"0 3 * * *\")") }
            do { _ = try CronExpression(cron) } catch let e as CronError {
                throw parser.error(value["cron"]?.location, path + ".cron", "'\(cron)': \(e.description)")
            }
            if let zone = options["timezone"], TriggerDefinition.timeZone(zone) == nil {
                throw parser.error(value["timezone"]?.location, path + ".timezone", "unknown time zone '\(zone)' (expected local, UTC or a name such as Europe/Berlin)")
            }
        case "drift", "quality":
            guard let model = options["model"], !model.isEmpty else {
                throw parser.error(at, path, "a \(on) trigger needs `model:` (the registered model whose \(on) alerts start the pipeline)")
            }
        default: break
        }
    }
}
