import DeckInput
import DeckML
import DeckStore
import Foundation

/// What one monitor check found and did: the window, the drift report against the version's
/// reference, the quality metric, and the alerts raised, updated or resolved.
public struct MonitorResult: Encodable, Sendable {
    public var model: String
    public var version: Int
    /// `batch` or `predictions`.
    public var source: String
    public var window: String
    public var reference: String
    public var rows: Int
    /// False when the window was too small to judge (see `note`).
    public var judged: Bool
    public var note: String?
    public var drift: DriftReport?
    public var quality: QualityResult?
    public var alerts: [AlertChange]

    /// The drifted columns, strongest first.
    public var driftedFeatures: [String] { drift.map { DriftAlertPolicy.features($0).filter(\.drifted).map(\.name) } ?? [] }

    enum CodingKeys: String, CodingKey { case model, version, source, window, reference, rows, judged, note, drift, quality, alerts }
}

/// Runs a model's monitor (``MonitorSpec``) over a batch file or the endpoint's logged
/// predictions, and raises or resolves alerts by the rules of ``DriftAlertPolicy`` and
/// ``QualityMonitor``. A window holds one model version only: the version named (or the one the
/// monitor's alias points at), compared with that version's own reference.
public struct ModelMonitor {
    public var store: any WorkspaceStore
    public var spec: MonitorSpec

    public init(store: any WorkspaceStore, spec: MonitorSpec) { self.store = store; self.spec = spec }

    /// The version a check looks at: `NAME@V` / `NAME@ALIAS` as given; a bare `NAME` is the
    /// monitor's alias (default `production`), else the version whose prediction was logged last
    /// (`loggedVersion`), else the latest version.
    public func version(for reference: ModelReference, loggedVersion: Int? = nil) throws -> ModelVersionRecord {
        if case .latest = reference.selector {
            if let aliased = try store.modelVersion(model: reference.model, alias: spec.alias) { return aliased }
            if let loggedVersion { return try store.modelVersion(ModelReference(model: reference.model, selector: .version(loggedVersion))) }
        }
        return try store.modelVersion(reference)
    }

    /// Drift of a batch file (CSV, TSV, JSON Lines) against `version`'s reference.
    public func checkBatch(_ version: ModelVersionRecord, file: String, now: Double = Date().timeIntervalSince1970) throws -> MonitorResult {
        do { try InputFile.checkRegular(file) } catch let error as InputFileError { throw DriftReportError.input(error) }
        let table: DataTable
        do { table = try DataTable.load(path: file) } catch let error as TableParseError {
            throw DriftReportError.unreadable(file, reason: "\(error)")
        }
        let window = "batch \((file as NSString).lastPathComponent) (\(table.rowCount) rows)"
        return try check(version, current: table, predictions: score(version, table), source: "batch", window: window,
                         currentName: file, quality: nil, now: now)
    }

    /// Drift (and quality, when the monitor has it) over the newest logged predictions of `version`.
    public func checkPredictions(_ version: ModelVersionRecord, log: PredictionLog, now: Double = Date().timeIntervalSince1970) throws -> MonitorResult {
        let limit: Int?, since: Double?
        switch spec.window {
        case .lastPredictions(let n): (limit, since) = (n, nil)
        case .timeSpan(let seconds): (limit, since) = (nil, now - seconds)
        }
        let data = try log.window(model: version.model, version: version.version, limit: limit, since: since)
        let window = Self.describe(data, spec.window)
        var quality: QualityResult?
        if let q = spec.quality {
            quality = QualityMonitor.evaluate(try log.labeledWindow(model: version.model, version: version.version, limit: q.window), spec: q)
        }
        let table = Self.table(data, signature: version.signature)
        return try check(version, current: table, predictions: data.predictions.count == data.rows ? data.predictions : nil,
                         source: "predictions", window: window, currentName: window, quality: quality, now: now)
    }

    /// A batch's scores by `version` (what the endpoint would have logged for it), nil when it cannot be scored.
    func score(_ version: ModelVersionRecord, _ table: DataTable) -> [Double]? {
        guard let model = try? LoadedModel.load(store: store, version: version),
              let result = try? ModelScorer(model: model).score(table, lenient: true) else { return nil }
        return PredictionScores.values(result.predictions, rows: table.rowCount)
    }

    func check(_ version: ModelVersionRecord, current: DataTable, predictions: [Double]?, source: String, window: String, currentName: String,
               quality: QualityResult?, now: Double) throws -> MonitorResult {
        let reference = try MonitorReference.load(version, store: store)
        var predictionNote = reference.predictionsNote
        if predictionNote == nil, predictions?.count != current.rowCount {
            predictionNote = "prediction drift not judged: the window has no logged scores"
        }
        var result = MonitorResult(model: version.model, version: version.version, source: source, window: window,
                                   reference: reference.description, rows: current.rowCount, judged: false, note: nil, drift: nil,
                                   quality: quality, alerts: [])
        if let quality {
            result.alerts += try QualityMonitor.apply(quality, model: version.model, version: version.version,
                                                      window: "last \(quality.labeled) labeled predictions", store: store, now: now)
        }
        guard current.rowCount >= spec.minRows else {
            result.note = "only \(current.rowCount) rows in the window (min_rows \(spec.minRows)): drift not judged"
            return result
        }
        var options = spec.drift
        if let columns = options.columns {
            let present = columns.filter { reference.table.index(of: $0) != nil && current.index(of: $0) != nil }
            options.columns = present.isEmpty ? nil : present
        }
        let name = PredictionScores.columnName(avoiding: version.signature.map(\.name) + reference.table.names + current.names)
        var featureOptions = options
        featureOptions.perColumn[name] = nil
        var report = try DriftReportBuilder.report(reference: reference.table, current: current, referenceName: reference.description,
                                                   currentName: currentName, options: featureOptions)
        var predictionTables: (DataTable, DataTable)?
        if predictionNote == nil, let referenceScores = reference.predictions, let predictions {
            if spec.drift.columns?.contains(name) ?? true {
                let row = try PredictionDrift.result(name: name, reference: referenceScores, current: predictions, options: options)
                report = DriftReport(columns: report.columns + [row], driftShare: report.driftShare, referenceRows: report.referenceRows,
                                     currentRows: report.currentRows, notCompared: report.notCompared)
                predictionTables = (DataTable(names: [name], types: [.float], columns: [.numeric(referenceScores)]),
                                    DataTable(names: [name], types: [.float], columns: [.numeric(predictions)]))
            }
        }
        let strongest = DriftAlertPolicy.features(report).prefix(DriftAlertPolicy.histogramLimit).map(\.name)
        var histograms = DriftHistograms.build(reference: reference.table, current: current, columns: Array(strongest))
        if let tables = predictionTables {
            histograms.merge(DriftHistograms.build(reference: tables.0, current: tables.1, columns: Array(strongest))) { a, _ in a }
        }
        result.judged = true
        result.note = predictionNote
        result.drift = report
        result.alerts += try DriftAlertPolicy.apply(report, model: version.model, version: version.version, window: window,
                                                    histograms: histograms, store: store, now: now)
        return result
    }

    /// `last 1000 predictions of churn-model@2 (seq 1–1000, 2026-11-30 19:02:11–19:05:40 UTC)`.
    static func describe(_ data: PredictionWindowData, _ window: MonitorWindow) -> String {
        var text = "\(window) of \(data.model)@\(data.version): \(data.rows) rows"
        if let first = data.firstSeq, let last = data.lastSeq { text += ", seq \(first)–\(last)" }
        if let a = data.firstTime, let b = data.lastTime { text += ", \(JSONTime.encode(a))–\(JSONTime.encode(b))" }
        return text
    }

    /// The window's inputs as a table, typed by the model's signature (numbers as integers or
    /// floats as the model declared them, so column kinds are inferred as for its training data).
    static func table(_ data: PredictionWindowData, signature: [SignatureColumn]) -> DataTable {
        var names: [String] = [], types: [ColumnType] = [], columns: [DataTable.Column] = []
        let declared = Dictionary(signature.map { ($0.name, ColumnType(rawValue: $0.type)) }, uniquingKeysWith: { a, _ in a })
        for column in data.columns {
            names.append(column.name)
            switch column.values {
            case .numbers(let values):
                let type = declared[column.name].flatMap { $0 }
                types.append(type.map { $0.isTextual ? .float : $0 } ?? (values.allSatisfy { $0.isNaN || $0 == $0.rounded() } ? .integer : .float))
                columns.append(.numeric(values))
            case .text(let values):
                var categories: [String] = [], index: [String: Int32] = [:]
                let codes = values.map { value -> Int32 in
                    guard let value else { return -1 }
                    if let code = index[value] { return code }
                    let code = Int32(categories.count)
                    index[value] = code
                    categories.append(value)
                    return code
                }
                types.append(.categorical)
                columns.append(.categorical(codes: codes, categories: categories))
            }
        }
        return DataTable(names: names, types: types, columns: columns)
    }
}
