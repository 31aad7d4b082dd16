/// The attributes of a run, in one table that every place naming them reads: the filter
/// language (which names may be written bare), the store's SQL for each (`RunFilterCompiler`,
/// whose switch over this type the compiler keeps exhaustive), the in-memory filter of a second
/// store implementation (``filterValue(of:now:)``), the dashboard's completion, `runs list`'s
/// columns and the dashboard's Runs columns (``isColumn``, ``title``, ``text(of:now:)``).
/// A new attribute is added here and in the compiler's SQL, and nowhere else.
public enum RunAttribute: String, CaseIterable, Sendable, Hashable {
    case id = "run_id"
    case name
    case experiment
    case status
    case startTime = "start_time"
    case endTime = "end_time"
    case duration
    case pipeline
    case dataset
    case trigger
    case parent
    case sweep
    case command

    /// How its values compare: as text, as numbers, or as times (ISO dates or MLflow's
    /// milliseconds since 1970).
    public enum Kind: Sendable { case text, number, time }

    /// The spelling in filters, orders and saved column lists (`start_time`, `run_id`).
    public var fieldName: String { rawValue }

    /// Other spellings accepted for it (`id` for `run_id`, MLflow's `run_name`, the column name `start`).
    public var aliases: [String] {
        switch self {
        case .id: return ["id"]
        case .name: return ["run_name"]
        case .startTime: return ["start"]
        case .endTime: return ["end"]
        default: return []
        }
    }

    public var kind: Kind {
        switch self {
        case .startTime, .endTime: return .time
        case .duration: return .number
        default: return .text
        }
    }

    /// The column header (`Started`).
    public var title: String {
        switch self {
        case .id: return "Id"
        case .startTime: return "Started"
        case .endTime: return "Ended"
        default: return rawValue.prefix(1).uppercased() + rawValue.dropFirst()
        }
    }

    /// Whether it can be shown as a column (`sweep` and `command` are for filtering only).
    public var isColumn: Bool { self != .sweep && self != .command }

    /// Whether larger-first is the natural first sort (times and durations).
    public var sortsDescendingFirst: Bool { kind != .text }

    /// The attribute a name or alias spells (case-insensitive); nil when none does.
    public init?(named text: String) {
        let lower = text.lowercased()
        guard let found = RunAttribute.byName[lower] else { return nil }
        self = found
    }

    /// Every spelling the filter language accepts bare, aliases included.
    public static let spellings: Set<String> = Set(byName.keys)

    private static let byName: [String: RunAttribute] = {
        var names: [String: RunAttribute] = [:]
        for a in allCases { for n in [a.rawValue] + a.aliases { names[n] = a } }
        return names
    }()

    /// The attribute's value for the filter language, as the SQL store compares it (times in
    /// milliseconds since 1970). `sweep` needs the parent's tags and is nil for a lone record:
    /// an implementation that evaluates filters in memory resolves it from the parent run.
    public func filterValue(of run: RunRecord, now: Double) -> FilterValue? {
        switch self {
        case .id: return .string(run.id)
        case .name: return .string(run.name)
        case .experiment: return .string(run.experiment)
        case .status: return .string(run.status.rawValue)
        case .startTime: return .number(run.startTime * 1000)
        case .endTime: return run.endTime.map { .number($0 * 1000) }
        case .duration: return .number(run.duration(now: now))
        case .pipeline: return run.pipeline.map { .string($0) }
        case .dataset: return run.lineage.datasetVersion.map { .string($0) }
        case .trigger: return run.lineage.trigger.map { .string($0) }
        case .parent: return run.lineage.parentRunID.map { .string($0) }
        case .sweep: return nil
        case .command: return run.command.map { .string($0) }
        }
    }

    /// The cell text for a run (ids shortened to 8 characters, local times, compact
    /// durations); nil when the run has no value for it, or a time is beyond the calendar.
    public func text(of run: RunRecord, now: Double, withSeconds: Bool = false) -> String? {
        switch self {
        case .id: return String(run.id.prefix(8))
        case .startTime: return TimeText.localTime(run.startTime, withSeconds: withSeconds)
        case .endTime: return run.endTime.flatMap { TimeText.localTime($0, withSeconds: withSeconds) }
        case .duration:
            let d = run.duration(now: now)
            return d.isFinite && d >= 0 ? TimeText.duration(d) : nil
        case .parent: return run.lineage.parentRunID.map { String($0.prefix(8)) }
        case .status: return run.status.rawValue
        default:
            guard let v = filterValue(of: run, now: now), case .string(let s) = v else { return nil }
            return s
        }
    }
}
