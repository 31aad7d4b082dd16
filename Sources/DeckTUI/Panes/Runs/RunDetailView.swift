import DeckEngine
import DeckStore
import Foundation

/// One run, opened from the Runs pane: params, metric summaries and lineage beside a chart of
/// the chosen metric (training and validation curves overlaid; `m`/`M` choose), the log with
/// live tail and search, the pipeline's steps with durations and cache hits, the artifacts, and
/// the evaluation drawn (curves, confusion matrix, importance; read off the UI thread).
/// Tabs switch with `[` and `]`.
@MainActor
public final class RunDetailView: View {
    public enum Tab: Int, CaseIterable, Sendable {
        case overview, log, steps, artifacts, evaluation
        var title: String { ["Overview", "Log", "Steps", "Artifacts", "Evaluation"][rawValue] }
    }

    public let context: PaneContext
    public let runID: String
    public let title: String
    public private(set) var tab: Tab = .overview
    /// The run, its steps and the model versions it registered (read off the UI thread).
    public struct Loaded: Sendable {
        public var details: RunDetails
        public var steps: [RunStepItem]
        public var modelVersions: [String]
    }
    /// One chart series: a metric key and its values by step.
    public typealias Series = (key: String, steps: [Int64], values: [Double])

    public var details: RunDetails? { loader.value?.details }
    public var loadError: String? { loader.error }
    /// True until the run's first answer arrives.
    public var isLoading: Bool { loader.value == nil && loader.error == nil }
    public private(set) var groups: [MetricGroups.Group] = []
    public private(set) var groupIndex = 0
    /// The chart's series (key → values by step order) of the current group.
    public private(set) var series: [Series] = []
    public var steps: [RunStepItem] { loader.value?.steps ?? [] }
    public var modelVersions: [String] { loader.value?.modelVersions ?? [] }
    private let loader: PaneLoader<Loaded>
    private let seriesLoader: PaneLoader<[Series]>
    var infoState = ScrollTextState()
    var logState = ScrollTextState(follow: true)
    var stepsState = TableState()
    var artifactsState = TableState()
    let log: LogTail
    private var searching = false
    private var searchLine = CommandLineState(prompt: "/")
    private var seenStoreVersion: Int
    private var lastLogPoll = 0.0
    /// The run's evaluation: nil until read, then `.absent` when it has none.
    public private(set) var evaluation: EvaluationState?
    private let evaluationWorker = QueryWorker(label: "run-evaluation")
    private let evaluationMailbox = Mailbox<EvaluationState>()

    /// What the Evaluation tab knows.
    public enum EvaluationState: Sendable {
        case absent
        case loaded(EvaluationPanel)
    }

    public init(context: PaneContext, runID: String, name: String) {
        self.context = context; self.runID = runID; self.title = name
        log = LogTail(url: context.store.logURL(of: runID))
        seenStoreVersion = context.storeVersion
        let stepsOfRun = context.stepsOfRun, modelVersionsOfRun = context.modelVersionsOfRun
        loader = PaneLoader(label: "run-detail", store: context.store) { store in
            Loaded(details: try store.runDetails(runID), steps: stepsOfRun?(runID) ?? [],
                   modelVersions: modelVersionsOfRun?(runID) ?? [])
        }
        seriesLoader = PaneLoader(label: "run-series", store: context.store)
        reload()
        log.poll()
    }

    /// Queues a re-read of the run and its steps; ``tick()`` applies it, then reads the chart.
    public func reload() { loader.load() }

    /// The run arrived: regroup its metrics (keeping the chosen group), read the chart's series
    /// and the evaluation.
    private func applyLoaded() {
        guard let d = details else { return }
        let newGroups = MetricGroups.group(d.metrics.map(\.key))
        let currentName = groups.indices.contains(groupIndex) ? groups[groupIndex].name : nil
        groups = newGroups
        groupIndex = currentName.flatMap { n in newGroups.firstIndex { $0.name == n } } ?? Self.preferredGroup(newGroups)
        loadSeries()
        loadEvaluation(d.artifacts)
    }

    /// Waits for the run and its chart to be read and applies them (tests).
    public func waitForLoad() {
        if loader.waitForLoad() { applyLoaded() }
        if seriesLoader.waitForLoad() { series = seriesLoader.value ?? [] }
    }

    /// Reads the run's `evaluation.json` on a background queue; ``tick()`` picks it up.
    func loadEvaluation(_ artifacts: [ArtifactRecord]) {
        let store = context.store, mailbox = evaluationMailbox
        evaluationWorker.submit {
            let loaded = EvaluationReport.load(from: store, artifacts: artifacts)
            mailbox.post(loaded.map { .loaded(EvaluationPanel(step: $0.step, report: $0.report)) } ?? .absent)
        }
    }

    /// Waits for the evaluation being read (tests).
    public func waitForEvaluation() { waitForLoad(); evaluationWorker.drain(); _ = tick() }

    /// The group shown first: a validation-style measure with several points, else the first.
    static func preferredGroup(_ groups: [MetricGroups.Group]) -> Int {
        groups.firstIndex { $0.keys.count > 1 } ?? 0
    }

    /// Queues the read of the current group's series; the chart keeps the last ones until then.
    func loadSeries() {
        guard let d = details, groups.indices.contains(groupIndex) else { series = []; return }
        let handle = d.run.handle
        let keys = groups[groupIndex].keys
        seriesLoader.load { store in
            keys.map { key in
                let points = (try? store.metricSeries(run: handle, key: key)) ?? []
                return (key, points.map(\.step), points.map(\.value))
            }
        }
    }

    public var capturesText: Bool { searching }

    public var bindings: [KeyBinding] {
        if searching {
            return [KeyBinding("enter", "Search", footer: "search", group: "Search", shownInFooter: true),
                    KeyBinding("esc", "Cancel", footer: "cancel", group: "Search", shownInFooter: true)]
        }
        var b = [
            KeyBinding("]", "Next tab", footer: "next tab", group: "Run", shownInFooter: true) { [unowned self] in
                self.tab = Tab(rawValue: (self.tab.rawValue + 1) % Tab.allCases.count) ?? .overview
                return .redraw
            },
            KeyBinding("[", "Previous tab", group: "Run") { [unowned self] in
                self.tab = Tab(rawValue: (self.tab.rawValue + Tab.allCases.count - 1) % Tab.allCases.count) ?? .overview
                return .redraw
            },
        ]
        b.append(RunCancel.binding(context: context, run: details?.run))
        b.append(RunRelaunch.binding(context: context, run: details?.run))
        switch tab {
        case .overview:
            let single = groups.count < 2 ? "this run has one metric or none" : nil
            b.append(KeyBinding("m", "Next metric", footer: "metric", group: "Run", shownInFooter: true, disabledReason: single) { [unowned self] in
                self.groupIndex = (self.groupIndex + 1) % max(1, self.groups.count); self.loadSeries(); return .redraw
            })
            b.append(KeyBinding("M", "Previous metric", group: "Run", disabledReason: single) { [unowned self] in
                self.groupIndex = (self.groupIndex + self.groups.count - 1) % max(1, self.groups.count); self.loadSeries(); return .redraw
            })
            b += KeyBinding.textNavigation(except: [.char("n"), .char("N")]) { [unowned self] key in
                self.infoState.handle(key, lineCount: self.details.map { self.infoLines($0).count } ?? 0) ? .redraw : nil
            }
        case .log:
            b.append(KeyBinding("/", "Search the log", footer: "search", group: "Log", shownInFooter: true) { [unowned self] in
                self.searching = true; self.searchLine.setText("", completer: { _ in [] }); return .redraw
            })
            b.append(KeyBinding("esc", "Clear the search", group: "Log") { [unowned self] in
                guard self.logState.query != nil else { return nil }
                self.logState.search("", in: self.log.lines); return .redraw
            })
            b += KeyBinding.textNavigation(group: "Log") { [unowned self] key in
                self.logState.handle(key, lineCount: self.log.lines.count) ? .redraw : nil
            }.map { nav in
                var nav = nav
                if nav.key == .char("G") { nav.footerLabel = "follow"; nav.shownInFooter = true }
                return nav
            }
        case .steps:
            b += KeyBinding.tableNavigation { [unowned self] key in
                self.stepsState.handle(key, rowCount: self.steps.count, columnCount: 5) ? .redraw : nil
            }
        case .artifacts:
            b += KeyBinding.tableNavigation { [unowned self] key in
                self.artifactsState.handle(key, rowCount: self.details?.artifacts.count ?? 0, columnCount: 3) ? .redraw : nil
            }
        case .evaluation: break
        }
        return b
    }

    // MARK: - Rendering

    public func render(into region: Region, theme: Theme) {
        guard region.height > 3 else { return }
        if let loadError {
            region.put(loadError, at: .zero, style: theme[.error])
            return
        }
        guard let d = details else { region.put("Loading \(title)…", at: .zero, style: theme[.textDim]); return }
        let run = d.run
        var x = region.put(run.name, at: .zero, style: theme[.title]) + 2
        x += region.put(RunColumn.statusText(run.status), at: Point(x: x, y: 0), style: theme[RunColumn.statusSlot(run.status)]) + 2
        let facts = ["\(String(run.id.prefix(8)))", DisplayFormat.time(run.startTime),
                     DisplayFormat.duration(run.duration(now: context.now())), run.experiment] + (run.pipeline.map { ["pipeline \($0)"] } ?? [])
        region.put(facts.joined(separator: " · "), at: Point(x: x, y: 0), style: theme[.textDim])
        Tabs(titles: Tab.allCases.map(\.title), active: tab.rawValue, numbered: false).render(into: region.rows(1..<2), theme: theme)
        let body = region.sub(Rect(x: 0, y: 2, width: region.width, height: region.height - 2))
        switch tab {
        case .overview: renderOverview(body, theme: theme, details: d)
        case .log: renderLog(body, theme: theme)
        case .steps: renderSteps(body, theme: theme)
        case .artifacts: renderArtifacts(body, theme: theme, details: d)
        case .evaluation: renderEvaluation(body, theme: theme)
        }
    }

    func renderEvaluation(_ region: Region, theme: Theme) {
        switch evaluation {
        case nil: region.put("Reading the evaluation…", at: .zero, style: theme[.textDim])
        case .absent?: region.put("This run has no evaluation (a pipeline's evaluate step records one)", at: .zero, style: theme[.textDim])
        case .loaded(let panel)?: panel.render(into: region, theme: theme)
        }
    }

    /// The info column's lines: status reason, params, metrics, tags, lineage.
    func infoLines(_ d: RunDetails) -> [(String, ThemeSlot)] {
        var out: [(String, ThemeSlot)] = []
        let run = d.run
        if let reason = run.statusReason { out.append(("Reason: \(reason)", .error)) }
        if let code = run.exitCode { out.append(("Exit code \(code)", code == 0 ? .textDim : .error)) }
        if let cmd = run.command { out.append(("$ \(cmd)", .textDim)) }
        if !out.isEmpty { out.append(("", .text)) }
        let keyW = min(24, max(d.params.keys.map(\.displayWidth).max() ?? 0, d.metrics.map(\.key.displayWidth).max() ?? 0))
        out.append(("Params", .title))
        if d.params.isEmpty { out.append(("  (none)", .textDim)) }
        for (k, v) in d.params.sorted(by: { $0.key < $1.key }) { out.append(("  \(k.padded(toWidth: keyW))  \(v)", .text)) }
        out.append(("", .text))
        out.append(("Metrics  (last · min · max · points)", .title))
        if d.metrics.isEmpty { out.append(("  (none)", .textDim)) }
        for m in d.metrics {
            out.append(("  \(m.key.padded(toWidth: keyW))  \(DisplayFormat.number(m.last)) · \(DisplayFormat.number(m.min)) · \(DisplayFormat.number(m.max)) · \(m.count)", .text))
        }
        out.append(("", .text))
        out.append(("Lineage", .title))
        let l = run.lineage
        out.append(("  dataset   \(l.datasetVersion ?? "-")", l.datasetVersion == nil ? .textDim : .text))
        out.append(("  model     \(modelVersions.isEmpty ? "-" : modelVersions.joined(separator: ", "))", modelVersions.isEmpty ? .textDim : .text))
        out.append(("  trigger   \(l.trigger ?? "-")", l.trigger == nil ? .textDim : .text))
        if let p = l.parentRunID { out.append(("  parent    \(p.prefix(8))", .text)) }
        if let c = l.codeHash { out.append(("  code      \(c.prefix(12))", .text)) }
        if let g = l.gitCommit { out.append(("  git       \(g.prefix(10))\(l.gitDirty == true ? " (dirty)" : "")", .text)) }
        let tags = d.tags.filter { !$0.key.hasPrefix("mldeck.") }
        if !tags.isEmpty {
            out.append(("", .text))
            out.append(("Tags", .title))
            for (k, v) in tags.sorted(by: { $0.key < $1.key }) { out.append(("  \(k)  \(v)", .text)) }
        }
        return out
    }

    func renderOverview(_ region: Region, theme: Theme, details d: RunDetails) {
        let wide = region.width >= 90
        let split = SplitPane(wide ? .horizontal : .vertical, ratio: wide ? 0.42 : 0.45, minimum: 4)
        let (left, right) = split.render(into: region, theme: theme)
        let info = infoLines(d)
        let slots = info.map(\.1)
        ScrollText(lines: info.map(\.0), lineSlot: { i, _ in slots[i] }).render(into: left, state: &infoState, theme: theme)
        renderChart(right.sub(Rect(x: wide ? 1 : 0, y: 0, width: right.width - (wide ? 1 : 0), height: right.height)), theme: theme)
    }

    func renderChart(_ region: Region, theme: Theme) {
        guard region.height > 2 else { return }
        guard groups.indices.contains(groupIndex), !series.isEmpty, series.contains(where: { !$0.values.isEmpty }) else {
            region.put("No metric curves for this run", at: .zero, style: theme[.textDim])
            return
        }
        let g = groups[groupIndex]
        var x = region.put(g.name, at: .zero, style: theme[.title])
        if groups.count > 1 { x += region.put("  \(groupIndex + 1)/\(groups.count)  m: next metric", at: Point(x: x, y: 0), style: theme[.textDim]) }
        let allSteps = series.flatMap(\.steps)
        let xLabels = (allSteps.min().map { "step \($0)" } ?? "", allSteps.max().map { "\($0)" } ?? "")
        let chart = LineChart(series: series.map { ChartSeries($0.key, values: $0.values) }, xLabels: xLabels)
        chart.render(into: region.sub(Rect(x: 0, y: 1, width: region.width, height: region.height - 1)), theme: theme)
    }

    func renderLog(_ region: Region, theme: Theme) {
        var r = region
        if searching || logState.query != nil {
            let err = searching || !logState.matches.isEmpty ? nil : ("no match", 1)
            let trailing = logState.matches.isEmpty ? nil : "\((logState.currentMatch ?? 0) + 1)/\(logState.matches.count)"
            let line = InputLine(prompt: "/ ", state: searchLine, editing: searching, error: err, trailing: trailing)
            line.render(into: region.rows(0..<line.height), theme: theme)
            r = region.sub(Rect(x: 0, y: line.height, width: region.width, height: region.height - line.height))
        }
        if log.lines.isEmpty {
            let exists = FileManager.default.fileExists(atPath: log.url.path)
            r.put(exists ? "(the log is empty so far)" : "No log for this run (\(log.url.path))", at: .zero, style: theme[.textDim])
            return
        }
        ScrollText(lines: log.lines, lineSlot: { _, line in
            let l = line.lowercased()
            if l.contains("error") || l.contains("traceback") || l.contains("fatal") { return .error }
            if l.contains("warn") { return .warning }
            return nil
        }).render(into: r, state: &logState, theme: theme)
    }

    func renderSteps(_ region: Region, theme: Theme) {
        let cols = [TableColumn("Step", width: .flexible(min: 8, max: 30)), TableColumn("State", width: ColumnWidth(min: 8, max: 10)),
                    TableColumn("Duration", width: ColumnWidth(min: 8, max: 9), alignment: .right),
                    TableColumn("Cache", width: ColumnWidth(min: 5, max: 6)), TableColumn("Detail", width: .flexible(min: 6, max: 60))]
        let items = steps
        let empty = context.stepsOfRun == nil ? "Steps are shown for pipeline runs" : "This run has no pipeline steps"
        Table(columns: cols, rowCount: items.count, emptyText: empty) { i in
            let s = items[i]
            return [.text(s.name), .text(s.state, s.slot), .text(s.duration.map(DisplayFormat.duration) ?? "-"),
                    .text(s.cacheHit ? "hit" : "-", s.cacheHit ? .success : .textDim), .text(s.detail ?? "", .textDim)]
        }.render(into: region, state: &stepsState, theme: theme)
    }

    func renderArtifacts(_ region: Region, theme: Theme, details d: RunDetails) {
        let cols = [TableColumn("Path", width: .flexible(min: 10, max: 60)), TableColumn("Size", width: ColumnWidth(min: 6, max: 10), alignment: .right),
                    TableColumn("Object", width: .fixed(12))]
        let items = d.artifacts
        Table(columns: cols, rowCount: items.count, emptyText: "No artifacts") { i in
            [.text(items[i].path), .text(DisplayFormat.bytes(items[i].size)), .text(String(items[i].object.hex.prefix(12)), .textDim)]
        }.render(into: region, state: &artifactsState, theme: theme)
    }

    // MARK: - Keys

    /// The search line's editing keys and the mouse wheel (the other keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        if searching {
            switch searchLine.handle(key, completer: { _ in [] }) {
            case .submit(let text)?:
                searching = false
                logState.search(text, in: log.lines)
            case .cancel?:
                searching = false
                logState.search("", in: log.lines)
            case nil:
                logState.search(searchLine.text, in: log.lines)
            }
            return .redraw
        }
        guard case .mouse = key else { return nil }
        switch tab {
        case .overview: return infoState.handle(key, lineCount: details.map { infoLines($0).count } ?? 0) ? .redraw : nil
        case .log: return logState.handle(key, lineCount: log.lines.count) ? .redraw : nil
        case .steps: return stepsState.handle(key, rowCount: steps.count, columnCount: 5) ? .redraw : nil
        case .artifacts: return artifactsState.handle(key, rowCount: details?.artifacts.count ?? 0, columnCount: 3) ? .redraw : nil
        case .evaluation: return nil
        }
    }

    public func tick() -> Bool {
        var changed = false
        if let latest = evaluationMailbox.take().last {
            evaluation = latest
            changed = tab == .evaluation || changed
        }
        if context.storeVersion != seenStoreVersion {
            seenStoreVersion = context.storeVersion
            reload()
        }
        if loader.apply() { applyLoaded(); changed = true }
        if seriesLoader.apply() { series = seriesLoader.value ?? []; changed = true }
        let now = context.now()
        let running = details?.run.status == .running
        if now - lastLogPoll >= (running ? 0.25 : 2) {
            lastLogPoll = now
            if log.poll() {
                if logState.query != nil { logState.refreshSearch(in: log.lines) }
                if tab == .log { changed = true }
            }
            if running { changed = true }  // the duration moves
        }
        return changed
    }
}
