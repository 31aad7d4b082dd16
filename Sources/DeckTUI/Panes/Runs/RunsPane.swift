import DeckStore
import Foundation

/// The Runs pane: every run of the workspace in a virtualised table, filtered with the tracking
/// filter language (`/`), sorted by any column (`s`, `S` reverses), with chosen metric and param
/// columns (`C`, remembered in `.mldeck/ui.json`) and marks (`space`). Enter opens a run.
@MainActor
public final class RunsPane: Pane {
    public let title = "Runs"
    public var commandNames: [String] { ["runs"] }
    public let source: RunsSource
    public let context: PaneContext
    public private(set) var columns: [RunColumn]
    public var state = TableState()
    /// The sort column and direction (nil: newest first).
    public private(set) var sort: (column: RunColumn, descending: Bool)?
    public private(set) var markedIDs: Set<String> = []
    public private(set) var editingFilter = false
    public private(set) var filterLine = CommandLineState(prompt: "/")
    private var columnsChosen: Bool
    private var seenStoreVersion: Int
    private var lastLiveSecond = 0
    private var hadRunningRows = false

    public init(context: PaneContext, pageSize: Int = 200) {
        self.context = context
        let saved = context.settings.runs
        let savedColumns = saved.columns?.compactMap(RunColumn.init) ?? []
        columns = savedColumns.isEmpty ? RunColumn.defaultAttributes : savedColumns
        columnsChosen = !savedColumns.isEmpty
        var order: [RunOrder] = []
        if let s = saved.sort, let parsed = try? RunOrder.parseList(s), let first = parsed.first,
           let col = RunColumn(first.field.namespace == "attributes" ? first.field.name : first.field.description) {
            sort = (col, first.descending)
            order = parsed
        }
        source = RunsSource(store: context.store, query: RunsSource.Query(filter: "", order: order), pageSize: pageSize)
        seenStoreVersion = context.storeVersion
    }

    // MARK: - View

    public var capturesText: Bool { editingFilter }

    public var bindings: [KeyBinding] {
        if editingFilter {
            return [
                KeyBinding("enter", "Keep the filter", footer: "keep", group: "Filter", shownInFooter: true),
                KeyBinding("esc", "Clear the filter", footer: "clear", group: "Filter", shownInFooter: true),
                KeyBinding("tab", "Complete a field name", footer: "complete", group: "Filter", shownInFooter: true),
            ]
        }
        return [
            KeyBinding("enter", "Open the run", footer: "open", group: "Runs", shownInFooter: true) { [unowned self] in
                guard let row = self.selectedRun else { return nil }
                return .push(RunDetailView(context: self.context, runID: row.run.id, name: row.run.name))
            },
            KeyBinding("/", "Filter (metrics.auc > 0.8 and params.depth = '6')", footer: "filter", group: "Runs", shownInFooter: true) { [unowned self] in
                self.editingFilter = true
                self.filterLine.setText(self.filterLine.text, completer: self.completeField)
                return .redraw
            },
            KeyBinding("s", "Sort by a column", footer: "sort", group: "Runs", shownInFooter: true) { [unowned self] in
                .push(self.sortChooser())
            },
            KeyBinding("S", "Reverse the sort", footer: "reverse", group: "Runs", shownInFooter: true) { [unowned self] in
                if let s = self.sort { self.setSort(s.column, descending: !s.descending) } else { self.setSort(.start, descending: false) }
                return .redraw
            },
            KeyBinding("space", "Mark / unmark the run", footer: "mark", group: "Runs", shownInFooter: true) { [unowned self] in
                guard let row = self.selectedRun else { return nil }
                if self.markedIDs.contains(row.run.id) { self.markedIDs.remove(row.run.id) } else { self.markedIDs.insert(row.run.id) }
                self.state.move(by: 1, rowCount: self.source.rowCount)
                return .redraw
            },
            KeyBinding("C", "Choose columns", footer: "columns", group: "Runs", shownInFooter: true) { [unowned self] in
                .push(self.columnChooser())
            },
            KeyBinding("c", "Compare the marked runs", footer: "compare", group: "Runs", shownInFooter: markedIDs.count >= 2,
                       disabledReason: compareDisabledReason) { [unowned self] in
                self.context.openCompare?(self.markedItems)
            },
            RunCancel.binding(context: context, run: selectedRun?.run),
            RunRelaunch.binding(context: context, run: selectedRun?.run),
            KeyBinding("x", "Clear marks", group: "Runs") { [unowned self] in
                self.markedIDs = []
                return .redraw
            },
            KeyBinding("esc", "Clear the filter", group: "Runs") { [unowned self] in
                guard !self.filterLine.text.isEmpty || self.source.error != nil else { return nil }
                self.filterLine.setText("", completer: { _ in [] })
                self.applyFilter()
                return .redraw
            },
        ] + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.source.rowCount, columnCount: self.columns.count) ? .redraw : nil
        }
    }

    /// Why `c` does nothing now, or nil.
    var compareDisabledReason: String? {
        if markedIDs.count < 2 { return "mark two or more runs with space first" }
        if markedIDs.count > CompareData.maximumItems { return "Compare takes at most \(CompareData.maximumItems) runs (\(markedIDs.count) marked)" }
        return context.openCompare == nil ? "no Compare pane in this dashboard" : nil
    }

    /// The marked runs in table order (those not loaded last, by id).
    var markedItems: [CompareItem] {
        var order: [String] = []
        for row in source.loadedRows where markedIDs.contains(row.run.id) && !order.contains(row.run.id) { order.append(row.run.id) }
        order += markedIDs.subtracting(order).sorted()
        return order.map { CompareItem(runID: $0) }
    }

    /// The table for the current columns and rows.
    func table(now: Double) -> Table {
        let cols = columns
        let src = source
        return Table(columns: cols.map(\.tableColumn), rowCount: src.rowCount, frozenColumns: 1,
                     emptyText: src.hasLoaded ? (src.query.filter.isEmpty ? "No runs yet: mldeck track -- CMD, or mldeck demo" : "No run matches the filter")
                                              : "loading…") { i in
            guard let row = src.row(at: i) else { return cols.map { _ in TableCell.text("…", .textDim) } }
            let p = src.progress[row.run.id]
            return cols.map { $0.cell(row, now: now, progress: p) }
        }
    }

    public func render(into region: Region, theme: Theme) {
        let now = context.now()
        let err = source.error.map { ($0.message, $0.column ?? 0) }
        let line = InputLine(prompt: "/ ", state: filterLine, editing: editingFilter, error: err, trailing: statusText)
        if !editingFilter && filterLine.text.isEmpty {
            region.fill(Rect(x: 0, y: 0, width: region.width, height: 1), style: theme[.text])
            region.put("/ to filter", at: .zero, style: theme[.textDim])
            let t = statusText
            region.put(t, at: Point(x: max(0, region.width - t.displayWidth - 1), y: 0), style: theme[.textDim])
        } else {
            line.render(into: region.rows(0..<line.height), theme: theme)
        }
        let top = line.height
        // Marks are kept by run id; the table wants row indices.
        state.marked = []
        if !markedIDs.isEmpty {
            let lo = max(0, state.top - 100), hi = min(source.rowCount, state.top + 200)
            for i in lo..<max(lo, hi) where source.row(at: i).map({ markedIDs.contains($0.run.id) }) == true { state.marked.insert(i) }
        }
        state.sort = sort.flatMap { s in columns.firstIndex(of: s.column).map { TableSort(column: $0, ascending: !s.descending) } }
        table(now: now).render(into: region.sub(Rect(x: 0, y: top, width: region.width, height: region.height - top)),
                               state: &state, theme: theme)
        source.prefetch(around: state.selected)
    }

    /// `1,234 runs · sort auc ▼` (with `…` while a query runs).
    var statusText: String {
        var s = source.total.map { "\(DisplayFormat.count($0)) run\($0 == 1 ? "" : "s")" }
            ?? (source.rowCount > 0 ? "\(DisplayFormat.count(source.rowCount))+ runs (counting)" : "…")
        if source.isLoading && source.total != nil { s += " …" }
        if !markedIDs.isEmpty { s += " · \(markedIDs.count) marked" }
        if let sort { s += " · sort \(sort.column.title) \(sort.descending ? "▼" : "▲")" }
        return s
    }

    /// The selected run, when its page is loaded.
    public var selectedRun: RunRow? { source.row(at: state.selected) }

    /// Keys the bindings do not declare: the filter line's editing keys and the mouse.
    public func handle(_ key: Key) -> Effect? {
        if editingFilter { return handleFilterKey(key) }
        guard case .mouse(let m) = key else { return nil }
        let tableY = m.y - (source.error == nil ? 1 : 2)
        if m.kind == .press || m.kind == .click || m.kind == .doubleClick {
            let t = table(now: context.now())
            if let r = t.rowIndex(atLocalY: tableY, state: state) {
                state.selected = r
                if m.kind == .doubleClick, let open = bindings.binding(for: .enter)?.action { return open() }
            }
            return .redraw
        }
        return state.handle(key, rowCount: source.rowCount, columnCount: columns.count) ? .redraw : nil
    }

    private func handleFilterKey(_ key: Key) -> Effect? {
        let before = filterLine.text
        switch filterLine.handle(key, completer: completeField) {
        case .submit?:
            editingFilter = false
        case .cancel?:
            editingFilter = false
            filterLine.setText("", completer: { _ in [] })
        case nil:
            break
        }
        if filterLine.text != before || !editingFilter { applyFilter() }
        return .redraw
    }

    private func applyFilter() {
        state.selected = 0; state.top = 0
        source.setQuery(RunsSource.Query(filter: filterLine.text, order: source.query.order))
    }

    /// Completes the field name being typed (`metrics.a` → `metrics.auc`), as whole-line candidates.
    func completeField(_ text: String) -> [String] {
        let breakChars: Set<Character> = [" ", "(", ")", ","]
        let start = text.lastIndex(where: { breakChars.contains($0) }).map { text.index(after: $0) } ?? text.startIndex
        let word = String(text[start...])
        guard !word.isEmpty, !word.hasPrefix("'") else { return [] }
        var fields = RunAttribute.allCases.map(\.fieldName)
        fields += source.metricKeys.sorted().map { "metrics.\($0)" }
        fields += source.paramKeys.sorted().map { "params.\($0)" }
        fields += source.tagKeys.sorted().map { "tags.\($0)" }
        let head = String(text[..<start])
        return fields.filter { $0.hasPrefix(word) && $0 != word }.prefix(12).map { head + $0 }
    }

    // MARK: - Sort and columns

    /// Sorts by `column` (`descending` or ascending) and remembers it.
    public func setSort(_ column: RunColumn, descending: Bool) {
        sort = (column, descending)
        let order = (try? RunOrder.parseList("\(column.orderField) \(descending ? "DESC" : "ASC")")) ?? []
        state.selected = 0; state.top = 0
        source.setQuery(RunsSource.Query(filter: source.query.filter, order: order))
        context.updateSettings { $0.runs.sort = "\(column.orderField) \(descending ? "DESC" : "ASC")" }
    }

    func sortChooser() -> ChoiceListView {
        var options = columns
        if !options.contains(.start) { options.append(.start) }
        let current = sort.flatMap { s in options.firstIndex(of: s.column) } ?? 0
        return ChoiceListView(title: "Sort by", items: options.map(\.title), notes: options.map(\.kind), selected: current) { [weak self] list in
            guard let self else { return nil }
            let col = options[list.selected]
            let desc = self.sort?.column == col ? !(self.sort!.descending) : col.sortsDescendingFirst
            self.setSort(col, descending: desc)
            return .redraw
        }
    }

    /// Every column the chooser offers: attributes, then metrics, params and tags seen so far.
    public var availableColumns: [RunColumn] {
        var all = RunColumn.attributes
        all += source.metricKeys.sorted().map(RunColumn.metric)
        all += source.paramKeys.sorted().map(RunColumn.param)
        all += source.tagKeys.sorted().filter { !$0.hasPrefix("mldeck.") }.map(RunColumn.tag)
        for c in columns where !all.contains(c) { all.append(c) }
        return all
    }

    func columnChooser() -> ChoiceListView {
        let all = availableColumns
        let chosen = Set(columns.compactMap { all.firstIndex(of: $0) })
        return ChoiceListView(title: "Columns", items: all.map(\.description), notes: all.map(\.kind), multiple: true,
                              chosen: chosen) { [weak self] list in
            guard let self else { return nil }
            let picked = list.chosenInOrder.map { all[$0] }
            guard !picked.isEmpty else { return .error("keep at least one column") }
            self.setColumns(picked)
            return .redraw
        }
    }

    /// Shows `newColumns` (kept ones stay in their place, new ones are added in the given order,
    /// the last one added scrolled into view) and remembers the choice for this workspace.
    public func setColumns(_ newColumns: [RunColumn]) {
        var result = columns.filter { newColumns.contains($0) }
        for c in newColumns where !result.contains(c) { result.append(c) }
        let added = result.lastIndex { !columns.contains($0) }
        columns = result
        columnsChosen = true
        state.columnOffset = 0
        state.revealColumn = added
        context.updateSettings { $0.runs.columns = result.map(\.description) }
    }

    // MARK: - Live data

    public func tick() -> Bool {
        var changed = source.applyResults()
        if context.storeVersion != seenStoreVersion {
            seenStoreVersion = context.storeVersion
            source.refresh()
        }
        if !columnsChosen && source.hasLoaded {
            columns = RunColumn.defaults(for: source.loadedRows)
            columnsChosen = true
            changed = true
        }
        // Running runs: durations and progress move every second.
        let second = Int(context.now())
        if second != lastLiveSecond {
            lastLiveSecond = second
            let lo = state.top, hi = min(source.rowCount, state.top + state.visibleRows)
            var running = false
            for i in lo..<max(lo, hi) where source.row(at: i)?.run.status == .running { running = true; break }
            if running || hadRunningRows { changed = true }
            hadRunningRows = running
        }
        return changed
    }
}
