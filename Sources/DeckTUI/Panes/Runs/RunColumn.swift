import DeckStore
import Foundation

/// A column of the Runs table: a run attribute (``RunAttribute``, the one table of attributes
/// the filter language and `runs list` also read), or a metric / param / tag by key.
/// Spelled as in the filter language (`status`, `metrics.auc`, `params.max_depth`), which is also
/// how the choice is saved in `.mldeck/ui.json`.
public enum RunColumn: Hashable, Sendable, CustomStringConvertible {
    case attribute(RunAttribute)
    case metric(String)
    case param(String)
    case tag(String)

    public static let status = RunColumn.attribute(.status)
    public static let name = RunColumn.attribute(.name)
    public static let start = RunColumn.attribute(.startTime)
    public static let duration = RunColumn.attribute(.duration)

    /// Attribute columns in the order the chooser lists them.
    public static let attributes: [RunColumn] = RunAttribute.allCases.filter(\.isColumn).map(RunColumn.attribute)
    /// What a new workspace shows before metric and param columns are known.
    public static let defaultAttributes: [RunColumn] = [.status, .name, .attribute(.pipeline), .start, .duration]

    /// Parses the spelling of ``description`` (or an attribute's alias, as `start`); nil when unknown.
    public init?(_ text: String) {
        if let a = RunAttribute(named: text), a.isColumn { self = .attribute(a) }
        else if text.hasPrefix("metrics."), text.count > 8 { self = .metric(String(text.dropFirst(8))) }
        else if text.hasPrefix("params."), text.count > 7 { self = .param(String(text.dropFirst(7))) }
        else if text.hasPrefix("tags."), text.count > 5 { self = .tag(String(text.dropFirst(5))) }
        else { return nil }
    }

    public var description: String {
        switch self {
        case .attribute(let a): return a.fieldName
        case .metric(let k): return "metrics.\(k)"
        case .param(let k): return "params.\(k)"
        case .tag(let k): return "tags.\(k)"
        }
    }

    /// The header text.
    public var title: String {
        switch self {
        case .metric(let k), .param(let k), .tag(let k): return k
        case .attribute(let a): return a.title
        }
    }

    /// `metric`, `param`, `tag` or `attribute` (shown in the chooser).
    public var kind: String {
        switch self {
        case .metric: return "metric"
        case .param: return "param"
        case .tag: return "tag"
        case .attribute: return "attribute"
        }
    }

    /// The field to order by in the tracking filter language (`metrics.auc`, `start_time`).
    public var orderField: String { description }

    /// Whether larger-first is the natural first sort (metrics, times, durations).
    public var sortsDescendingFirst: Bool {
        switch self {
        case .metric: return true
        case .attribute(let a): return a.sortsDescendingFirst
        default: return false
        }
    }

    /// The table column (title, width rule, alignment).
    public var tableColumn: TableColumn {
        switch self {
        case .attribute(let a): return TableColumn(a.title, width: RunColumn.width(of: a), alignment: a == .duration ? .right : .left)
        case .metric(let k): return TableColumn(k, width: ColumnWidth(min: 6, max: 14), alignment: .right)
        case .param(let k): return TableColumn(k, width: ColumnWidth(min: 4, max: 16))
        case .tag(let k): return TableColumn(k, width: ColumnWidth(min: 4, max: 20))
        }
    }

    /// How wide an attribute's column may grow (presentation only; names and values come from the table).
    static func width(of attribute: RunAttribute) -> ColumnWidth {
        switch attribute {
        case .status: return ColumnWidth(min: 9, max: 12)
        case .name: return .flexible(min: 8, max: 32, flex: 2)
        case .experiment: return ColumnWidth(min: 6, max: 20)
        case .pipeline: return ColumnWidth(min: 6, max: 16)
        case .startTime, .endTime: return .fixed(16)
        case .duration: return ColumnWidth(min: 8, max: 9)
        case .id, .parent: return .fixed(8)
        case .dataset: return ColumnWidth(min: 7, max: 20)
        case .trigger: return ColumnWidth(min: 7, max: 14)
        case .sweep, .command: return ColumnWidth(min: 8, max: 24)
        }
    }

    /// The cell for a run (pure: used by tests and benchmarks as is). `progress` is a running
    /// run's progress from its pipeline steps, when known.
    public func cell(_ row: RunRow, now: Double, progress: Double? = nil) -> TableCell {
        let run = row.run
        switch self {
        case .attribute(.status):
            if run.status == .running, let p = progress ?? RunProgress.fraction(of: row) {
                return .progress(p, label: nil)
            }
            return .text(RunColumn.statusText(run.status), RunColumn.statusSlot(run.status))
        case .attribute(let a):
            guard let text = a.text(of: run, now: now) else { return .text("-", .textDim) }
            return .text(text, a == .id || a == .parent ? .textDim : nil)
        case .metric(let k):
            guard let v = row.metrics[k] else { return .text("-", .textDim) }
            return .text(DisplayFormat.number(v))
        case .param(let k): return row.params[k].map { .text($0) } ?? .text("-", .textDim)
        case .tag(let k): return row.tags[k].map { .text($0) } ?? .text("-", .textDim)
        }
    }

    /// `● RUNNING`-style status text.
    public static func statusText(_ status: RunStatus) -> String {
        switch status {
        case .running: return "● RUNNING"
        case .finished: return "✓ FINISHED"
        case .failed: return "✗ FAILED"
        case .killed: return "■ KILLED"
        case .queued: return "◌ QUEUED"
        }
    }

    /// The theme slot of a status.
    public static func statusSlot(_ status: RunStatus) -> ThemeSlot {
        switch status {
        case .running: return .statusRunning
        case .finished: return .statusFinished
        case .failed: return .statusFailed
        case .killed: return .statusKilled
        case .queued: return .statusQueued
        }
    }

    /// The default columns for a workspace: the default attributes, then up to three metrics and
    /// three params, the most common in `rows` first.
    public static func defaults(for rows: [RunRow]) -> [RunColumn] {
        var metricKeys: [String: Int] = [:], paramKeys: [String: Int] = [:]
        for row in rows {
            for key in row.metrics.keys { metricKeys[key, default: 0] += 1 }
            for key in row.params.keys { paramKeys[key, default: 0] += 1 }
        }
        func top(_ counts: [String: Int], _ n: Int) -> [String] {
            counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(n).map(\.key).sorted()
        }
        return defaultAttributes + top(metricKeys, 3).map(RunColumn.metric) + top(paramKeys, 3).map(RunColumn.param)
    }
}

/// How far a running run has got, from what its owner records: its pipeline steps (finished
/// steps plus the running step's own progress, over all steps), else the tag `mldeck.progress`
/// (a fraction 0…1, `45%` or `done/total`).
public enum RunProgress {
    /// Progress from step states: (steps done + the running steps' progress) / steps.
    public static func fraction(steps: [(done: Bool, progress: Double?)]) -> Double? {
        guard !steps.isEmpty else { return nil }
        let total = steps.reduce(0.0) { $0 + ($1.done ? 1 : min(1, max(0, $1.progress ?? 0))) }
        return total / Double(steps.count)
    }

    public static func fraction(of row: RunRow) -> Double? {
        if let p = row.tags["mldeck.progress"] { return parse(p) }
        if let d = row.tags["mldeck.steps_done"].flatMap(Double.init), let t = row.tags["mldeck.steps_total"].flatMap(Double.init), t > 0 {
            return min(1, max(0, d / t))
        }
        return nil
    }

    /// `0.45`, `45%` or `9/20` as a fraction; nil when unreadable.
    public static func parse(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%"), let v = Double(t.dropLast()) { return min(1, max(0, v / 100)) }
        if let slash = t.firstIndex(of: "/"), let a = Double(t[..<slash]), let b = Double(t[t.index(after: slash)...]), b > 0 {
            return min(1, max(0, a / b))
        }
        return Double(t).map { min(1, max(0, $0)) }
    }
}
