import DeckStore
import Foundation

/// The dashboard of a workspace: the panes built on its store, the header badges, and the
/// watching of changes made by other processes (polled through `PRAGMA data_version` about four
/// times a second, so a CLI call or a running pipeline shows within a second).
///
/// ``run()`` takes the terminal; tests and benchmarks drive ``app`` with keys, call ``tick()`` and
/// render into a ``MemoryBackend``.
@MainActor
public final class Dashboard {
    public struct Options: Sendable {
        /// A theme name or file (`--theme`, `MLDECK_THEME`); nil for the default.
        public var theme: String?
        public var readOnly: Bool = false
        /// Save column and sort choices in `.mldeck/ui.json`.
        public var rememberSettings: Bool = true
        public var pageSize: Int = 200
        public var catalog: ThemeCatalog = .standard()
        /// How runs are started (tests pass a fake; the default spawns `mldeck run` detached).
        public var starter: RunLaunches.Starter = RunLaunches.detached
        /// Hold the workspace's trigger-runner lease while no agent does, and fire triggers (see
        /// ``DashboardTriggers``); the terminal dashboard sets it unless read-only.
        public var runTriggers = false
        public init(theme: String? = nil, readOnly: Bool = false) { self.theme = theme; self.readOnly = readOnly }
    }

    public let app: AppModel
    public let context: PaneContext
    public let runs: RunsPane
    public let datasets: DatasetsPane
    public let models: ModelsPane
    public let compare: ComparePane
    public let pipelines: PipelinesPane
    public let alerts: AlertsPane
    /// Runs started from this dashboard (the launcher, `:run`, `R`).
    public let launches: RunLaunches
    /// The trigger runner (nil unless ``Options/runTriggers``); started by ``run()`` or ``startTriggers()``.
    public let triggers: DashboardTriggers?
    public internal(set) var status = HeaderStatus()
    private let watcher: ChangeWatcher?
    private var lastPoll = 0.0
    private var seenStoreVersion = -1
    private let worker = QueryWorker(label: "badges")
    private let badgeMailbox = Mailbox<BadgeCounts>()
    /// The newest open alert already seen (nil before the first count): a newer one toasts.
    var newestAlertSeen: Int64?
    /// Extra panes' change hooks (set by the wiring of optional panes).
    public var onStoreChange: [() -> Void] = []
    /// Seconds between change polls.
    public var pollInterval = 0.25
    /// Seconds between reads of the server registry (the header's endpoint, the Models pane's deployment).
    public var serverPollInterval = 2.0
    private var lastServerPoll = -Double.infinity
    private var previousServers: ServerSnapshot?
    private let serverLoader: PaneLoader<ServerSnapshot>

    public init(store: DeckStore, options: Options = Options(), extraPanes: (PaneContext) -> [any Pane] = { _ in [] }) {
        context = options.rememberSettings ? PaneContext.forWorkspace(store) : PaneContext(store: store)
        Dashboard.wireLineage(context)
        context.deploymentOfModel = { [unowned context] name in context.servers.deployment(of: name) }
        runs = RunsPane(context: context, pageSize: options.pageSize)
        datasets = DatasetsPane(context: context)
        models = ModelsPane(context: context)
        compare = ComparePane(context: context)
        pipelines = PipelinesPane(context: context)
        launches = RunLaunches(store: store, starter: options.starter)
        serverLoader = PaneLoader(label: "servers", store: store)
        alerts = AlertsPane(context: context)
        triggers = options.runTriggers && !options.readOnly && !store.isReadOnly ? try? DashboardTriggers(store: store) : nil
        if triggers != nil { status.triggers = .unknown }
        let panes: [any Pane] = [runs, datasets, models, compare, alerts, pipelines] + extraPanes(context)
        app = AppModel(panes: panes, workspace: Dashboard.displayPath(store.workspace.root.path), readOnly: options.readOnly)
        context.attach(to: app)
        watcher = try? store.makeChangeWatcher()
        let catalog = options.catalog
        app.installThemeCommand(catalog: catalog)
        if let name = options.theme, !name.isEmpty {
            let effect = app.loadTheme(name, catalog: catalog)
            if case .toast(let t) = effect, t.kind == .error { app.apply(effect) }
        } else {
            app.setTheme(catalog.load("default").theme)
        }
        app.badges = status.badges
        wireWorkbench()
        wireAlerts()
        refreshBadges()
    }

    /// Lets run views show pipeline steps and the model versions a run registered.
    static func wireLineage(_ context: PaneContext) {
        let store = context.store
        context.stepsOfRun = { @Sendable id in
            ((try? store.runSteps(id)) ?? []).sorted { $0.position < $1.position }.map { s in
                RunStepItem(name: s.name, state: s.status.rawValue, duration: s.duration(), cacheHit: s.cacheHit,
                            detail: s.reason ?? (s.status == .running ? s.progress.map { "\(Int(($0 * 100).rounded()))%" } : nil) ?? s.kind)
            }
        }
        context.modelVersionsOfRun = { @Sendable id in
            ((try? store.modelVersions(registeredBy: id)) ?? []).map { v in
                v.reference + (v.aliases.isEmpty ? "" : " (\(v.aliases.joined(separator: ", ")))")
            }
        }
    }

    /// `~/churn` for a folder under the home directory.
    public static func displayPath(_ path: String) -> String {
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty, home != "/", path.hasPrefix(home) {
            return "~" + path.dropFirst(home.count)
        }
        return path
    }

    private func refreshBadges() {
        let store = context.store, mailbox = badgeMailbox
        worker.submit {
            guard let running = try? store.countRuns(RunQuery(filter: "status = 'RUNNING'")) else { return }
            let open = try? store.alerts(AlertQuery(openOnly: true))
            mailbox.post(BadgeCounts(running: running, openAlerts: open?.count, newestOpen: open?.max { $0.id < $1.id }))
        }
    }

    /// Polls for changes by other processes (at most every ``pollInterval``) and applies data
    /// that arrived. Returns whether a redraw is needed. The runner calls it between keys.
    @discardableResult
    public func pollChanges(now: Double = Toast.now()) -> Bool {
        var changed = false
        if now - lastPoll >= pollInterval {
            lastPoll = now
            if watcher?.hasChanged() == true { context.storeChanged() }
        }
        if now - lastServerPoll >= serverPollInterval {
            lastServerPoll = now
            serverLoader.load { ServerSnapshot.read($0, time: now) }
        }
        if serverLoader.apply(), let snapshot = serverLoader.value {
            changed = applyServers(snapshot) || changed
        }
        if context.storeVersion != seenStoreVersion {
            seenStoreVersion = context.storeVersion
            refreshBadges()
            launches.refresh()
            for hook in onStoreChange { hook() }
        }
        if let counts = badgeMailbox.take().last {
            changed = applyBadgeCounts(counts) || changed
        }
        if let triggers, triggers.state != status.triggers {
            status.triggers = triggers.state
            app.badges = status.badges
            changed = true
        }
        return changed
    }

    /// Takes a new read of the server registry: the header's endpoint (with requests/s since the
    /// previous read) and the deployments the Models pane shows.
    private func applyServers(_ snapshot: ServerSnapshot) -> Bool {
        let text = snapshot.headerText(previous: previousServers)
        previousServers = snapshot
        let moved = snapshot.servers != context.servers.servers
        context.servers = snapshot
        guard text != status.endpoint || moved else { return false }
        status.endpoint = text
        app.badges = status.badges
        return true
    }

    /// Waits for the header's queued count of running runs and applies it (headless runs, tests).
    public func waitForBadges() {
        worker.drain()
        pollChanges()
    }

    /// Waits for a queued read of the server registry and applies it (tests).
    public func waitForServers(now: Double = Toast.now()) {
        lastServerPoll = -Double.infinity
        pollChanges(now: now)
        if serverLoader.waitForLoad(), let snapshot = serverLoader.value { _ = applyServers(snapshot) }
    }

    /// One step between keys without a terminal: poll, then let panes pull data.
    @discardableResult
    public func tick() -> Bool {
        let a = pollChanges()
        let b = app.tick()
        return a || b
    }

    /// Takes over the terminal until the user quits; returns the signal that ended it (0 for `q`).
    /// The loop runs on the main actor and suspends between input waits (see ``AppRunner``).
    public func run() async throws -> Int32 {
        startTriggers()
        defer { stopTriggers() }
        return try await makeRunner().run()
    }

    /// Starts the trigger runner's rounds off the UI thread (when ``Options/runTriggers``).
    public func startTriggers() { triggers?.start() }

    /// Stops the trigger runner and gives its lease up (on quit).
    public func stopTriggers() {
        triggers?.stop()
        if let triggers { status.triggers = triggers.state; app.badges = status.badges }
    }

    /// A runner for this dashboard's app that polls for store changes between keys; tests drive
    /// its ``AppRunner/loop(input:backend:)`` without a terminal.
    public func makeRunner() -> AppRunner {
        let runner = AppRunner(model: app)
        runner.tickHook = { [weak self] in self?.pollChanges() ?? false }
        return runner
    }
}
