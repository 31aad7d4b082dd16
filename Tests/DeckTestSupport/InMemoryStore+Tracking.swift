import DeckStore
import Foundation

extension InMemoryStore: TrackingStore {
    public func createRuns(_ starts: [RunStart]) throws -> [RunHandle] {
        for start in starts {
            try Self.validateKeys(start.params.keys)
            try Self.validateKeys(start.tags.keys)
            try Self.validateKeys(start.metrics.map(\.key))
        }
        return locked {
            starts.map { start in
                let now = Date().timeIntervalSince1970
                let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                if experimentCreated[start.experiment] == nil { experimentCreated[start.experiment] = now }
                let record = RunRecord(id: id, name: start.name ?? "run-\(runs.count + 1)", experiment: start.experiment,
                                       status: start.status, statusReason: nil, startTime: start.startTime ?? now, endTime: nil,
                                       exitCode: nil, exitSignal: nil, command: start.command, pipeline: start.pipeline,
                                       deleted: false, lineage: start.lineage)
                var stored = StoredRun(record: record, params: start.params, tags: start.tags, owner: start.owner,
                                       heartbeat: start.owner == nil ? nil : now)
                for p in start.metrics { stored.series[p.key, default: []].append(SeriesPoint(step: p.step, value: p.value, timestamp: p.timestamp)) }
                runs[id] = stored
                return record.handle
            }
        }
    }

    public func logParams(_ params: [String: String], run: RunHandle) throws {
        try Self.validateKeys(params.keys)
        try update(run) { stored in
            for (key, value) in params.sorted(by: { $0.key < $1.key }) {
                if let old = stored.params[key], old != value {
                    throw TrackingError.paramChanged(run: run.id, key: key, old: old, new: value)
                }
            }
            stored.params.merge(params) { old, _ in old }
        }
    }

    public func setTags(_ tags: [String: String], run: RunHandle) throws {
        try Self.validateKeys(tags.keys)
        try update(run) { $0.tags.merge(tags) { _, new in new } }
    }

    public func logMetrics(_ points: [MetricPoint], run: RunHandle) throws {
        try Self.validateKeys(points.map(\.key))
        try update(run) { stored in
            for p in points { stored.series[p.key, default: []].append(SeriesPoint(step: p.step, value: p.value, timestamp: p.timestamp)) }
        }
    }

    public func logArtifact(run: RunHandle, path: String, file: URL) throws -> ArtifactRecord {
        let id = try objects.putFile(at: file)
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        let artifact = ArtifactRecord(path: path, object: id, size: size)
        try update(run) { $0.artifacts[path] = artifact }
        return artifact
    }

    public func finishRun(_ run: RunHandle, status: RunStatus, exitCode: Int?, signal: Int?, reason: String?, endTime: Double?) throws -> Bool {
        precondition(status.isFinal, "finishRun needs a final status")
        var changed = false
        try update(run) { stored in
            guard stored.record.status == .running || stored.record.status == .queued else { return }
            stored.record.status = status
            stored.record.statusReason = reason
            stored.record.endTime = endTime ?? Date().timeIntervalSince1970
            stored.record.exitCode = exitCode
            stored.record.exitSignal = signal
            changed = true
        }
        return changed
    }

    public func startQueuedRun(_ run: RunHandle, owner: ProcessIdentity) throws {
        let now = Date().timeIntervalSince1970
        try update(run) { stored in
            guard stored.record.status == .queued else { return }
            stored.record.status = .running
            stored.record.startTime = now
            stored.owner = owner
            stored.heartbeat = now
        }
    }

    public func setQueuedRunOwner(_ run: RunHandle, owner: ProcessIdentity) throws {
        try update(run) { stored in if stored.record.status == .queued { stored.owner = owner } }
    }

    public func heartbeat(_ run: RunHandle) throws {
        try update(run) { $0.heartbeat = Date().timeIntervalSince1970 }
    }

    public func setDeleted(_ deleted: Bool, run: RunHandle) throws {
        try update(run) { $0.record.deleted = deleted }
    }

    public func updateLineage(_ lineage: RunLineage, run: RunHandle) throws {
        try update(run) { stored in
            var l = stored.record.lineage
            l.datasetVersion = lineage.datasetVersion ?? l.datasetVersion
            l.codeHash = lineage.codeHash ?? l.codeHash
            l.gitCommit = lineage.gitCommit ?? l.gitCommit
            l.gitDirty = lineage.gitDirty ?? l.gitDirty
            l.trigger = lineage.trigger ?? l.trigger
            stored.record.lineage = l
        }
    }

    /// By full id, then by name (the only run of that name), then by unique id prefix, as the SQLite store.
    public func resolveRun(_ reference: String) throws -> RunRecord {
        try locked {
            if let run = runs[reference.lowercased()] { return run.record }
            let named = runs.values.filter { $0.record.name == reference }
            if named.count == 1 { return named[0].record }
            if named.count > 1 { throw TrackingError.ambiguousRun(reference, candidates: named.map { String($0.record.id.prefix(8)) }) }
            let lower = reference.lowercased()
            if !lower.isEmpty, lower.allSatisfy(\.isHexDigit) {
                let matches = runs.keys.filter { $0.hasPrefix(lower) }.sorted()
                if matches.count == 1, let run = runs[matches[0]] { return run.record }
                if matches.count > 1 { throw TrackingError.ambiguousRun(reference, candidates: matches.map { String($0.prefix(12)) }) }
            }
            throw TrackingError.runNotFound(reference)
        }
    }

    public func runDetails(_ reference: String) throws -> RunDetails {
        let record = try resolveRun(reference)
        return try locked {
            let stored = try self.stored(record.handle)
            let metrics = stored.series.keys.sorted().compactMap { key in Self.summary(key: key, of: stored.series[key] ?? []) }
            return RunDetails(run: stored.record, params: stored.params, tags: stored.tags, metrics: metrics,
                              artifacts: stored.artifacts.values.sorted { $0.path < $1.path })
        }
    }

    /// Latest value (MLflow's rule, ``LatestPoint``), min, max and count, as the SQLite store keeps them.
    static func summary(key: String, of series: [SeriesPoint]) -> MetricSummary? {
        guard var last = series.first else { return nil }
        for p in series.dropFirst() where !LatestPoint.precedes(p, last) { last = p }
        let values = series.map(\.value).filter { !$0.isNaN }
        return MetricSummary(key: key, last: last.value, lastStep: last.step, min: values.min() ?? .nan,
                             max: values.max() ?? .nan, count: series.count, lastTime: last.timestamp)
    }

    public func metricSeries(run: RunHandle, key: String) throws -> [SeriesPoint] {
        let points = try locked { try stored(run).series[key] ?? [] }
        return points.enumerated().sorted { ($0.element.step, $0.offset) < ($1.element.step, $1.offset) }.map(\.element)
    }

    public func experiments() throws -> [ExperimentSummary] {
        locked {
            experimentCreated.keys.sorted().map { name in
                let mine = runs.values.filter { $0.record.experiment == name && !$0.record.deleted }
                return ExperimentSummary(name: name, createdAt: experimentCreated[name] ?? 0, runs: mine.count,
                                         running: mine.filter { $0.record.status == .running }.count,
                                         lastRunStart: mine.map(\.record.startTime).max())
            }
        }
    }

    public func runOwner(_ run: RunHandle) throws -> ProcessIdentity? {
        try locked { try stored(run).owner }
    }
}
