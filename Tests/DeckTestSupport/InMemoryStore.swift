import DeckStore
import Foundation

/// An in-memory implementation of every store protocol: records live in dictionaries, objects in
/// a real ``ObjectStore`` under the workspace (every implementation keeps objects on disk).
/// DeckEngine's tracking and pipeline tests run against it as well as against SQLite, which shows
/// that DeckEngine needs only the protocols. It stores and returns exactly what it is given; it
/// does not persist across processes (so `mldeck` child processes cannot see it).
public final class InMemoryStore: @unchecked Sendable {
    public let workspace: Workspace
    public let objects: ObjectStore
    public let isReadOnly = false
    let lock = NSRecursiveLock()

    struct StoredRun {
        var record: RunRecord
        var params: [String: String] = [:]
        var tags: [String: String] = [:]
        var series: [String: [SeriesPoint]] = [:]
        var artifacts: [String: ArtifactRecord] = [:]
        var owner: ProcessIdentity?
        var heartbeat: Double?
        var steps: [String: RunStepRecord] = [:]
    }

    var runs: [String: StoredRun] = [:]
    var experimentCreated: [String: Double] = [:]
    var stepCache: [String: (manifest: ObjectID, pipeline: String?)] = [:]
    var datasetCreated: [String: Double] = [:]
    var datasetNext: [String: Int] = [:]
    /// Versions per dataset, oldest first.
    var datasetVersionsByName: [String: [DatasetVersionRecord]] = [:]
    /// The objects each dataset version (`NAME@N`) holds.
    var datasetObjects: [String: Set<ObjectID>] = [:]
    var modelCreated: [String: Double] = [:]
    /// Versions per model, oldest first (aliases filled in when read).
    var modelVersionsByName: [String: [ModelVersionRecord]] = [:]
    var aliases: [String: [String: Int]] = [:]
    var history: [String: [AliasHistoryEntry]] = [:]
    /// Alerts, oldest first (id = position + 1).
    var alertList: [AlertRecord] = []
    /// Alert id → the severity whose `on_alert:` notification is owed.
    var notifyPending: [Int64: AlertSeverity] = [:]

    /// A store for the workspace folder `root` (created when missing, with `.mldeck/objects`).
    public init(root: URL) throws {
        workspace = Workspace(root: root)
        for dir in [workspace.objectsDirectory, workspace.temporaryDirectory, workspace.runsDirectory] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        objects = ObjectStore(root: workspace.objectsDirectory, temporary: workspace.temporaryDirectory)
    }

    public func requireWritable() throws {}

    /// Serialises ``promoteIfBetter`` (judge, then move) against other promotions.
    let promotionLock = NSLock()

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    func stored(_ run: RunHandle) throws -> StoredRun {
        guard let found = runs[run.id] else { throw TrackingError.runNotFound(run.id) }
        return found
    }

    func update(_ run: RunHandle, _ body: (inout StoredRun) throws -> Void) throws {
        try locked {
            var found = try stored(run)
            try body(&found)
            runs[run.id] = found
        }
    }

    static func validateKeys<S: Sequence>(_ keys: S) throws where S.Element == String {
        for key in keys where !DeckStore.isValidKey(key) { throw TrackingError.invalidKey(key) }
    }
}

extension InMemoryStore: PipelineStepStore {
    public func recordSteps(_ steps: [RunStepRecord], run: RunHandle) throws {
        try update(run) { stored in stored.steps = Dictionary(steps.map { ($0.name, $0) }, uniquingKeysWith: { _, b in b }) }
    }

    public func updateSteps(_ steps: [RunStepRecord], run: RunHandle) throws {
        try update(run) { stored in for step in steps { stored.steps[step.name] = step } }
    }

    public func runSteps(_ runID: String) throws -> [RunStepRecord] {
        locked { (runs[runID]?.steps.values).map { $0.sorted { $0.position < $1.position } } ?? [] }
    }

    public func closeOpenSteps(run: RunHandle, status: StepStatus, reason: String?) throws {
        let now = Date().timeIntervalSince1970
        try update(run) { stored in
            for (name, var step) in stored.steps where step.status == .pending || step.status == .running {
                step.status = status
                step.reason = step.reason ?? reason
                step.endTime = step.startTime == nil ? nil : now
                stored.steps[name] = step
            }
        }
    }

    public func updateStepProgress(run: RunHandle, step: String, progress: Double) throws {
        try update(run) { stored in stored.steps[step]?.progress = progress }
    }

    public func cachedStepManifest(key: String) throws -> ObjectID? {
        guard let id = locked({ stepCache[key]?.manifest }), objects.contains(id) else { return nil }
        return id
    }

    public func storeStepCache(key: String, manifest: ObjectID, pipeline: String?, step: String?, runID: String?) throws {
        locked { stepCache[key] = (manifest, pipeline) }
    }

    public func clearStepCache(pipeline: String?) throws -> Int {
        locked {
            let keys = stepCache.filter { pipeline == nil || $0.value.pipeline == pipeline }.map(\.key)
            for key in keys { stepCache[key] = nil }
            return keys.count
        }
    }

    public func recordStepOutputs(run: RunHandle, files: [StoredFile], cacheKey: String?, manifest: ObjectID?,
                                  pipeline: String?, step: String?, state: RunStepRecord?) throws {
        try update(run) { stored in
            if let state { stored.steps[state.name] = state }
            for f in files { stored.artifacts[f.path] = ArtifactRecord(path: f.path, object: f.object, size: f.size) }
        }
        if let cacheKey, let manifest { locked { stepCache[cacheKey] = (manifest, pipeline) } }
    }
}
