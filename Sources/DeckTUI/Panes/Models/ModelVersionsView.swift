import DeckStore
import Foundation

/// A model's versions: aliases (`production` stands out), metrics, dataset and run, and under the
/// table the selected version's params, lineage, signature, deployment and alias history.
/// `p` points `production` at the selected version after a dialog showing the metric deltas
/// against the current production version; `space` marks versions.
@MainActor
public final class ModelVersionsView: View {
    public let context: PaneContext
    public let model: String
    public var title: String { model }
    /// What one load reads: the versions (newest first) and the recent alias moves.
    public struct Loaded: Sendable {
        public var versions: [ModelVersionRecord]
        public var history: [AliasHistoryEntry]
    }

    /// The versions last loaded (queried off the UI thread by ``loader``).
    public var versions: [ModelVersionRecord] { loader.value?.versions ?? [] }
    public var history: [AliasHistoryEntry] { loader.value?.history ?? [] }
    public var loadError: String? { loader.error }
    /// True until the first answer arrives.
    public var isLoading: Bool { loader.value == nil && loader.error == nil }
    /// The version being promoted while the write is in flight (its row shows a busy mark).
    public private(set) var promoting: Int?
    public private(set) var markedVersions: Set<Int> = []
    public var state = TableState()
    var detailState = ScrollTextState()
    private var seenStoreVersion = -1
    private let loader: PaneLoader<Loaded>

    public init(context: PaneContext, model: String) {
        self.context = context; self.model = model
        loader = PaneLoader(label: "model-versions", store: context.store) {
            Loaded(versions: try $0.modelVersions(model), history: try $0.aliasHistory(model: model, limit: 20))
        }
        reload()
    }

    /// Queues a reload; the answer is applied by ``tick()``.
    public func reload() {
        seenStoreVersion = context.storeVersion
        loader.load()
    }

    /// Waits for a queued reload and applies it (tests).
    public func waitForLoad() { loader.waitForLoad() }

    /// The version `production` points at.
    public var production: ModelVersionRecord? { versions.first { $0.aliases.contains("production") } }
    public var selectedVersion: ModelVersionRecord? { versions.indices.contains(state.selected) ? versions[state.selected] : nil }

    /// Metric keys shown as columns (up to four, `auc` first).
    var metricKeys: [String] {
        let all = Set(versions.flatMap { $0.metrics.keys })
        let preferred = ["auc", "accuracy", "logloss", "rmse", "f1"].filter(all.contains)
        return Array((preferred + all.sorted().filter { !preferred.contains($0) }).prefix(4))
    }

    public var bindings: [KeyBinding] {
        let sel = selectedVersion
        let isProduction = sel?.aliases.contains("production") == true
        return [
            KeyBinding("p", "Promote the version to production", footer: "promote", group: "Model", shownInFooter: true, dangerous: true,
                       disabledReason: promoting.map { "v\($0) is being promoted" }
                           ?? (sel == nil ? "no version selected" : (isProduction ? "this version is already in production" : nil))) { [unowned self] in
                guard let v = self.selectedVersion else { return nil }
                return .confirm(self.promotionDialog(v)) { [weak self] outcome in
                    guard outcome == .pressed("confirm"), let self else { return nil }
                    return self.promote(v)
                }
            },
            KeyBinding("space", "Mark / unmark the version", footer: "mark", group: "Model", shownInFooter: true) { [unowned self] in
                guard let v = self.selectedVersion else { return nil }
                if self.markedVersions.contains(v.version) { self.markedVersions.remove(v.version) } else { self.markedVersions.insert(v.version) }
                self.state.move(by: 1, rowCount: self.versions.count)
                return .redraw
            },
            KeyBinding("c", "Compare the marked versions", footer: "compare", group: "Model", shownInFooter: markedVersions.count >= 2,
                       disabledReason: markedVersions.count < 2 ? "mark two or more versions with space first"
                           : (context.openCompare == nil ? "no Compare pane in this dashboard" : nil)) { [unowned self] in
                let marked = self.versions.filter { self.markedVersions.contains($0.version) }
                let items = marked.compactMap { v in v.runID.map { CompareItem(runID: $0, label: "\(self.model) v\(v.version)") } }
                guard items.count >= 2 else { return .error("the marked versions were not trained by runs: nothing to compare") }
                return self.context.openCompare?(items)
            },
            KeyBinding("J", "Scroll the details down", group: "Model") { [unowned self] in self.detailState.top += 1; return .redraw },
            KeyBinding("K", "Scroll the details up", group: "Model") { [unowned self] in
                self.detailState.top = max(0, self.detailState.top - 1); return .redraw
            },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.versions.count, columnCount: 8) ? .redraw : nil
        }
    }

    public func render(into region: Region, theme: Theme) {
        if let loadError { region.put(loadError, at: .zero, style: theme[.error]); return }
        if isLoading { region.put("Loading \(model)'s versions…", at: .zero, style: theme[.textDim]); return }
        let split = SplitPane(.vertical, ratio: 0.5, minimum: 3)
        let (top, bottom) = split.render(into: region, theme: theme)
        let keys = metricKeys
        var cols = [TableColumn("Version", width: ColumnWidth(min: 7, max: 8)), TableColumn("Aliases", width: ColumnWidth(min: 8, max: 24))]
        cols += keys.map { TableColumn($0, width: ColumnWidth(min: 7, max: 12), alignment: .right) }
        cols += [TableColumn("Dataset", width: ColumnWidth(min: 7, max: 16)), TableColumn("Run", width: .fixed(8)),
                 TableColumn("Registered", width: .fixed(16))]
        let items = versions, promoting = self.promoting, servers = context.servers
        state.marked = Set(items.indices.filter { markedVersions.contains(items[$0].version) })
        Table(columns: cols, rowCount: items.count, emptyText: "No versions") { i in
            let v = items[i]
            var cells: [TableCell] = [.text("v\(v.version)", v.aliases.contains("production") ? .aliasProduction : nil)]
            let serving = servers.addresses(serving: v.model, version: v.version).isEmpty ? "" : "● serving"
            if v.version == promoting { cells.append(.text("⟳ promoting…", .warning)) }
            else if v.aliases.isEmpty { cells.append(serving.isEmpty ? .text("-", .textDim) : .text(serving, .success)) }
            else {
                let text = ([serving].filter { !$0.isEmpty } + v.aliases.sorted { a, _ in a == "production" }).joined(separator: " ")
                cells.append(.text(text, v.aliases.contains("production") ? .aliasProduction : .aliasStaging))
            }
            cells += keys.map { k in v.metrics[k].map { .text(DisplayFormat.number($0)) } ?? .text("-", .textDim) }
            cells.append(.text(v.datasetReference ?? "-", v.datasetReference == nil ? .textDim : nil))
            cells.append(.text(v.runID.map { String($0.prefix(8)) } ?? "-", .textDim))
            cells.append(.text(DisplayFormat.time(v.createdAt), .textDim))
            return cells
        }.render(into: top, state: &state, theme: theme)
        let lines = detailLines()
        let slots = lines.map(\.1)
        ScrollText(lines: lines.map(\.0), lineSlot: { i, _ in slots[i] }).render(into: bottom, state: &detailState, theme: theme)
    }

    /// The selected version's details, as (text, slot) lines.
    func detailLines() -> [(String, ThemeSlot)] {
        guard let v = selectedVersion else { return [] }
        return ModelVersionDetail.lines(v, production: production, history: history,
                                        deployment: context.deploymentOfModel?(v.model))
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        TableMouse.handle(key, state: &state, rowCount: versions.count, columnCount: 8).effect(open: bindings.binding(for: .enter)?.action)
    }

    public func promotionDialog(_ v: ModelVersionRecord) -> ModalDialog {
        var body = ""
        if let p = production {
            body = "Move \(model)@production from v\(p.version) to v\(v.version)?\n"
            for k in Set(v.metrics.keys).union(p.metrics.keys).sorted() {
                let old = p.metrics[k], new = v.metrics[k]
                let line: String
                switch (old, new) {
                case let (o?, n?): line = "\(k): \(DisplayFormat.number(o)) → \(DisplayFormat.number(n)) (\(DisplayFormat.delta(n - o)))"
                case let (nil, n?): line = "\(k): – → \(DisplayFormat.number(n))"
                case let (o?, nil): line = "\(k): \(DisplayFormat.number(o)) → –"
                default: continue
                }
                body += "\n" + line
            }
        } else {
            body = "Point \(model)@production at v\(v.version)? (No version is in production yet.)\n"
            for (k, n) in v.metrics.sorted(by: { $0.key < $1.key }) { body += "\n\(k): \(DisplayFormat.number(n))" }
        }
        return .confirm(title: "Promote \(model) v\(v.version)", body: body, confirmLabel: "Promote", dangerous: true)
    }

    /// Moves `production` to `v` off the UI thread: the row shows a busy mark until the write
    /// ends; the toast (or the error) then comes through ``PaneContext/writes``, and the store
    /// change reloads what is on screen.
    func promote(_ v: ModelVersionRecord) -> Effect {
        let model = self.model, version = v.version
        promoting = version
        context.writes.perform("promoting \(model) v\(version)…", failure: "could not promote") { store in
            try store.setModelAlias(model: model, alias: "production", version: version, reason: "promoted in the dashboard")
            return "\(model)@production → v\(version)"
        }
        return .redraw
    }

    public func tick() -> Bool {
        if context.storeVersion != seenStoreVersion { reload() }
        var changed = loader.apply()
        // The mark stays until the write has ended and the reload it caused has been applied.
        if promoting != nil, !context.writes.isBusy, !loader.isLoading { promoting = nil; changed = true }
        return changed
    }
}
