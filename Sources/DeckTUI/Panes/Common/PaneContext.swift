import DeckStore
import Foundation

/// What every pane and view of the dashboard shares: the store, the remembered settings, a
/// counter that moves when another process (or this one) wrote to the store, and the clock.
@MainActor
public final class PaneContext {
    public let store: DeckStore
    public private(set) var settings: DashboardSettings
    private let settingsURL: URL?
    /// Bumped by ``storeChanged()``; views compare it with the value they last saw.
    public private(set) var storeVersion = 0
    /// Seconds since 1970 (tests freeze it).
    public var now: () -> Double = { Date().timeIntervalSince1970 }
    /// The steps of a pipeline run (set when pipelines are available); nil hides the Steps tab's data.
    /// Called off the UI thread (with the run view's other queries).
    public var stepsOfRun: (@Sendable (String) -> [RunStepItem])?
    /// Model versions registered from a run, as `name v3 (production)` (set when the model
    /// registry is available). Called off the UI thread.
    public var modelVersionsOfRun: (@Sendable (String) -> [String])?
    /// The deployment state of a model (`serving v3 on :8080`), when serving is available. Called
    /// while drawing: it must answer from memory, never by querying the store.
    public var deploymentOfModel: ((String) -> String?)?
    /// The prediction servers last read from the registry (the dashboard reads it off the UI
    /// thread every ``Dashboard/serverPollInterval``); views read it while drawing.
    public var servers = ServerSnapshot(servers: [], time: 0)
    /// Opens the Compare pane on these items (set by the dashboard when it has one).
    public var openCompare: (([CompareItem]) -> Effect?)?
    /// Opens the run launcher, pre-filled from a run when given (set when pipelines are available).
    public var openLauncher: ((LaunchPrefill?) -> Effect?)?
    /// Starts a run of a pipeline with a reason recorded as its trigger (retrain from an alert);
    /// set when the dashboard can launch runs.
    public var startRun: ((_ pipeline: String, _ reason: String) -> Effect?)?
    /// The dashboard's own writes (promote), run off the UI thread; see ``attach(to:)``.
    public let writes: StoreWrites

    /// - Parameter settingsURL: where settings are saved (`.mldeck/ui.json`); nil keeps them in memory.
    public init(store: DeckStore, settingsURL: URL? = nil) {
        self.store = store
        self.settingsURL = settingsURL
        writes = StoreWrites(store: store)
        settings = settingsURL.map(DashboardSettings.load(from:)) ?? DashboardSettings()
        writes.onSuccess = { [weak self] in self?.storeChanged() }
    }

    /// The context of a workspace, remembering settings in its `.mldeck/ui.json`.
    public static func forWorkspace(_ store: DeckStore) -> PaneContext {
        PaneContext(store: store, settingsURL: DashboardSettings.url(stateDirectory: store.workspace.stateDirectory))
    }

    /// Records that the store changed (called when the change watcher fires, and after writes
    /// the dashboard makes itself).
    public func storeChanged() { storeVersion += 1 }

    /// Changes and saves the settings.
    public func updateSettings(_ change: (inout DashboardSettings) -> Void) {
        change(&settings)
        if let settingsURL { settings.save(to: settingsURL) }
    }
}
