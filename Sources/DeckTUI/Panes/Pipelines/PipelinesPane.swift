import DeckEngine
import DeckStore
import Foundation

/// The Pipelines pane: the pipelines of `mldeck.yaml` (dataset, steps, triggers, last run) in a
/// table, and under it the selected pipeline's steps as an indented tree in DAG order (a step
/// sits under what it needs), each with its status and duration in the pipeline's last run.
/// Below them its triggers with their last and next firing and why (``TriggerStatusReport``, as
/// `mldeck triggers list`). Enter opens the launcher on the selected pipeline.
@MainActor
public final class PipelinesPane: Pane {
    public let title = "Pipelines"
    public var commandNames: [String] { ["pipelines"] }
    public let context: PaneContext
    public var state = TableState()
    private let loader: PaneLoader<PipelinesData>
    private var seenStoreVersion = -1

    public init(context: PaneContext) {
        self.context = context
        loader = PaneLoader(label: "pipelines", store: context.store) { try PipelinesData.load(from: $0) }
    }

    public var data: PipelinesData? { loader.value }
    public var selected: PipelinesData.Pipeline? {
        guard let p = data?.pipelines, p.indices.contains(state.selected) else { return nil }
        return p[state.selected]
    }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion {
            seenStoreVersion = context.storeVersion
            loader.load()
        }
        return loader.apply()
    }

    public func waitForLoad() {
        if seenStoreVersion != context.storeVersion { seenStoreVersion = context.storeVersion; loader.load() }
        loader.waitForLoad()
    }

    public var bindings: [KeyBinding] {
        let count = data?.pipelines.count ?? 0
        return [
            KeyBinding("enter", "Start a run of the pipeline (the launcher)", footer: "launch", group: "Pipelines", shownInFooter: true,
                       dangerous: true, disabledReason: selected == nil ? "no pipeline selected" : (context.openLauncher == nil ? "no launcher" : nil)) { [unowned self] in
                guard let p = self.selected else { return nil }
                return self.context.openLauncher?(LaunchPrefill(pipeline: p.name))
            },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: count, columnCount: 6) ? .redraw : nil
        }
    }

    public func handle(_ key: Key) -> Effect? {
        guard case .mouse = key else { return nil }
        return TableMouse.handle(key, state: &state, rowCount: data?.pipelines.count ?? 0, columnCount: 6)
            .effect(open: bindings.binding(for: .enter)?.action)
    }

    /// `✓ FINISHED 2m ago` for a last run.
    static func lastRunText(_ r: RunRecord?, now: Double) -> String {
        guard let r else { return "never ran" }
        return "\(r.status.rawValue) \(DisplayFormat.ago(r.startTime, now: now))"
    }

    static func statusSlot(_ status: String?) -> ThemeSlot {
        switch status {
        case "FINISHED", "SUCCEEDED", "CACHED", "DONE": return .statusFinished
        case "FAILED": return .statusFailed
        case "KILLED", "CANCELLED": return .statusKilled
        case "RUNNING": return .statusRunning
        case nil: return .textDim
        default: return .statusQueued
        }
    }

    public func render(into region: Region, theme: Theme) {
        if let e = loader.error { region.put("Cannot read the pipelines: \(e)", at: .zero, style: theme[.error], maxWidth: region.width); return }
        guard let d = data else { region.put("Reading mldeck.yaml…", at: .zero, style: theme[.textDim]); return }
        let now = context.now()
        let pipes = d.pipelines
        let listHeight = min(max(3, pipes.count + 2), max(3, region.height / 3))
        let cols = [TableColumn("Pipeline", width: ColumnWidth(min: 8, max: 24)), TableColumn("Dataset", width: ColumnWidth(min: 7, max: 24)),
                    TableColumn("Steps", width: .fixed(5), alignment: .right), TableColumn("Params", width: ColumnWidth(min: 6, max: 40)),
                    TableColumn("Triggers", width: ColumnWidth(min: 8, max: 30)), TableColumn("Last run", width: ColumnWidth(min: 8, max: 30, flex: 1))]
        Table(columns: cols, rowCount: pipes.count, emptyText: "\(d.file) defines no pipeline") { i in
            let p = pipes[i]
            return [.text(p.name), .text(p.dataset ?? "-", p.dataset == nil ? .textDim : nil), .text("\(p.steps.count)"),
                    .text(p.params.map { "\($0.key)=\($0.value)" }.joined(separator: " "), .textDim),
                    .text(p.triggers.isEmpty ? "-" : p.triggers.joined(separator: "; "), .textDim),
                    .text(Self.lastRunText(p.lastRun, now: now), Self.statusSlot(p.lastRun?.status.rawValue))]
        }.render(into: region.sub(Rect(x: 0, y: 0, width: region.width, height: listHeight)), state: &state, theme: theme)
        guard let p = selected, region.height > listHeight + 2 else { return }
        let lower = region.sub(Rect(x: 0, y: listHeight + 1, width: region.width, height: region.height - listHeight - 1))
        let runNote = p.lastRun.map { "last run \($0.name) (\($0.id.prefix(8)))" } ?? "never ran: Enter starts it"
        lower.put("Steps of \(p.name) · \(runNote)", at: .zero, style: theme[.title], maxWidth: lower.width)
        let steps = p.steps
        let stepCols = [TableColumn("Step", width: ColumnWidth(min: 10, max: 40)), TableColumn("Uses", width: ColumnWidth(min: 4, max: 16)),
                        TableColumn("Status", width: ColumnWidth(min: 8, max: 16)), TableColumn("Duration", width: ColumnWidth(min: 8, max: 10), alignment: .right),
                        TableColumn("Needs", width: ColumnWidth(min: 5, max: 60, flex: 1))]
        let triggerRows = p.triggerStatus
        let triggerHeight = triggerRows.isEmpty ? 0 : min(triggerRows.count + 3, max(4, (lower.height - 1) / 2))
        var stepState = TableState(selected: -1)
        Table(columns: stepCols, rowCount: steps.count, frozenColumns: 1, focused: false, emptyText: "no steps") { i in
            let s = steps[i]
            let tree = String(repeating: "  ", count: s.depth) + (s.depth == 0 ? "● " : "└ ")
            let status = s.status.map { $0 + (s.cacheHit ? " (cache)" : "") } ?? "-"
            return [.text(tree + s.name), .text(s.kind, .textDim), .text(status, Self.statusSlot(s.status)),
                    .text(s.duration.map(DisplayFormat.duration) ?? "-", .textDim), .text(s.needs.joined(separator: ", "), .textDim)]
        }.render(into: lower.sub(Rect(x: 0, y: 1, width: lower.width, height: max(0, lower.height - 1 - triggerHeight))), state: &stepState, theme: theme)
        guard triggerHeight > 0 else { return }
        renderTriggers(triggerRows, of: p.name, into: lower.sub(Rect(x: 0, y: lower.height - triggerHeight, width: lower.width, height: triggerHeight)),
                       now: now, theme: theme)
    }

    /// The selected pipeline's triggers: state, last firing (its run and why), next firing and why.
    func renderTriggers(_ rows: [TriggerStatus], of pipeline: String, into region: Region, now: Double, theme: Theme) {
        region.put("Triggers of \(pipeline)", at: Point(x: 0, y: 1), style: theme[.title], maxWidth: region.width)
        let cols = [TableColumn("Trigger", width: ColumnWidth(min: 8, max: 36)), TableColumn("State", width: ColumnWidth(min: 7, max: 8)),
                    TableColumn("Last fired", width: ColumnWidth(min: 10, max: 34)), TableColumn("Why", width: ColumnWidth(min: 5, max: 36)),
                    TableColumn("Next", width: ColumnWidth(min: 10, max: 200, flex: 1))]
        var state = TableState(selected: -1)
        Table(columns: cols, rowCount: rows.count, frozenColumns: 1, focused: false, emptyText: "no triggers") { i in
            let r = rows[i]
            return [.text(r.trigger), .text(r.state, Self.triggerSlot(r.state)),
                    .text(Self.lastFiredText(r, now: now), Self.statusSlot(r.lastRunStatus)),
                    .text(r.lastReason ?? "-", .textDim), .text(Self.nextText(r, now: now))]
        }.render(into: region.sub(Rect(x: 0, y: 2, width: region.width, height: max(0, region.height - 2))), state: &state, theme: theme)
    }

    /// `3m ago → run 1a2b3c4d FINISHED`, `never`.
    static func lastFiredText(_ r: TriggerStatus, now: Double) -> String {
        guard let at = r.lastFiredAt else { return "never" }
        return DisplayFormat.ago(at, now: now) + (r.lastRunID.map { " → run \($0.prefix(8))" + (r.lastRunStatus.map { " \($0)" } ?? "") } ?? "")
    }

    /// The engine's next-firing text, led by how soon when the time is known (`in 5h: at …`).
    static func nextText(_ r: TriggerStatus, now: Double) -> String {
        guard let at = r.nextAt else { return r.next }
        let lead = at <= now ? "due" : "in " + DisplayFormat.duration(at - now)
        return "\(lead): \(r.next)"
    }

    static func triggerSlot(_ state: String) -> ThemeSlot {
        switch state {
        case "RUNNING": return .statusRunning
        case "PENDING", "QUEUED": return .statusQueued
        default: return .textDim
        }
    }
}
