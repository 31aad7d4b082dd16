import Foundation
import GRDB

/// The inputs of a window of logged predictions, all of one model version.
public struct PredictionWindowData: Sendable, Equatable {
    public var model: String
    public var version: Int
    /// Input columns in the order of the newest batch; a column a batch lacks is missing there.
    public var columns: [LoggedColumn]
    /// Rows in the window.
    public var rows: Int
    /// Each row's logged score (the regression value, the positive class's probability, or a
    /// multiclass model's top probability; NaN when none was logged), aligned with the columns.
    public var predictions: [Double] = []
    /// Sequence numbers of the first and last prediction in the window.
    public var firstSeq: Int64?
    public var lastSeq: Int64?
    /// Seconds since 1970 of the oldest and newest batch in the window.
    public var firstTime: Double?
    public var lastTime: Double?

    public init(model: String, version: Int, columns: [LoggedColumn], rows: Int, firstSeq: Int64? = nil, lastSeq: Int64? = nil,
                firstTime: Double? = nil, lastTime: Double? = nil) {
        self.model = model; self.version = version; self.columns = columns; self.rows = rows
        self.firstSeq = firstSeq; self.lastSeq = lastSeq; self.firstTime = firstTime; self.lastTime = lastTime
    }
}

/// A logged prediction of one version with its feedback label, for quality metrics.
public struct LabeledWindowRow: Sendable, Equatable {
    public var predicted: String?
    /// The regression value, or the positive class's probability (binary).
    public var value: Double
    public var probabilities: [Double]?
    /// Class labels of the batch (classifiers), in `probabilities` order.
    public var classes: [String]?
    public var actual: String
    /// When the prediction was logged (seconds since 1970); nil when not read.
    public var time: Double?

    public init(predicted: String?, value: Double, probabilities: [Double]?, classes: [String]?, actual: String, time: Double? = nil) {
        self.predicted = predicted; self.value = value; self.probabilities = probabilities; self.classes = classes; self.actual = actual
        self.time = time
    }
}

extension PredictionLog {
    /// The version of `model` whose prediction was logged last, or nil when none was.
    public func latestVersion(model: String) throws -> Int? {
        try read { db in try Int.fetchOne(db, sql: "SELECT version FROM prediction_batches WHERE model = ? ORDER BY id DESC LIMIT 1", arguments: [model]) }
    }

    /// The inputs of the newest predictions of `model` at `version`: the last `limit` rows, or
    /// (with `since`) every row logged at or after that time. Never mixes versions.
    public func window(model: String, version: Int, limit: Int?, since: Double?) throws -> PredictionWindowData {
        try read { db in
            var sql = "SELECT id, row_count, trimmed_rows, first_seq, time FROM prediction_batches WHERE model = ? AND version = ?"
            var arguments: StatementArguments = [model, version]
            if let since { sql += " AND time >= ?"; arguments += [since] }
            sql += " ORDER BY id DESC"
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var batches: [(id: Int64, take: Int, rows: Int, firstSeq: Int64, time: Double)] = []
            var total = 0
            while let row = try cursor.next() {
                let rows: Int = row[1], live = max(0, rows - max(0, row[2] as Int))
                let wanted = limit.map { max(0, $0 - total) } ?? live
                if wanted == 0 { break }
                let take = min(live, wanted)
                if take > 0 { batches.append((row[0], take, rows, row[3], row[4])) }
                total += take
            }
            var data = PredictionWindowData(model: model, version: version, columns: [], rows: 0)
            let blobs = try db.cachedStatement(sql: "SELECT inputs, scores FROM prediction_batches WHERE id = ?")
            // Oldest first, so columns keep arrival order.
            for batch in batches.reversed() {
                guard let row = try Row.fetchOne(blobs, arguments: [batch.id]), let decoded = Self.decodeInputs(row[0]),
                      let scores = (row[1] as Data?).flatMap(PredictionLogBlob.decodeDoubles), scores.count == batch.rows,
                      decoded.allSatisfy({ $0.values.count == batch.rows }) else {
                    throw PredictionLogError.unavailable(path: path, reason: "a logged batch (\(batch.id)) is damaged (remove the log to start a new one)")
                }
                let skip = batch.rows - batch.take
                append(decoded.map { LoggedColumn(name: $0.name, values: $0.values.suffix(from: skip)) }, rows: batch.take, to: &data)
                data.predictions += scores.suffix(from: skip)
                data.firstTime = data.firstTime ?? batch.time
                data.lastTime = batch.time
            }
            if let oldest = batches.last, let newest = batches.first {
                data.firstSeq = oldest.firstSeq + Int64(oldest.rows - oldest.take)
                data.lastSeq = newest.firstSeq + Int64(newest.rows - 1)
            }
            return data
        }
    }

    /// The newest `limit` predictions of `model` at `version` that got a label through feedback
    /// (by prediction id, else by the caller's id), newest first.
    public func labeledWindow(model: String, version: Int, limit: Int) throws -> [LabeledWindowRow] {
        try read { db in
            var out: [LabeledWindowRow] = []
            guard limit > 0, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM feedback)") == true else { return out }
            try forEachBatch(db, where: "model = ? AND version = ?", arguments: [model, version]) { batch in
                let ids = batch.ids
                for r in stride(from: batch.rowCount - 1, through: batch.trimmedRows, by: -1) {
                    guard let actual = try Self.feedbackLabel(id: ids[r], model: batch.model, callerID: batch.callerID(r), db) else { continue }
                    out.append(LabeledWindowRow(predicted: batch.label(r), value: batch.scores[r], probabilities: batch.probabilities(r),
                                                classes: batch.classes, actual: actual, time: batch.time))
                    if out.count == limit { return false }
                }
                return true
            }
            return out
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch let error as DatabaseError {
            throw PredictionLogError.unavailable(path: path, reason: Self.reason(error))
        }
    }

    private func append(_ columns: [LoggedColumn], rows: Int, to data: inout PredictionWindowData) {
        let before = data.rows
        for column in columns {
            if let k = data.columns.firstIndex(where: { $0.name == column.name }) {
                data.columns[k].values = data.columns[k].values.appending(column.values)
            } else {
                data.columns.append(LoggedColumn(name: column.name, values: column.values.padded(before: before)))
            }
        }
        data.rows += rows
        for k in data.columns.indices where data.columns[k].values.count < data.rows {
            data.columns[k].values = data.columns[k].values.paddedMissing(to: data.rows)
        }
    }
}

extension LoggedColumnValues {
    func suffix(from start: Int) -> LoggedColumnValues {
        switch self {
        case .numbers(let v): return .numbers(Array(v.dropFirst(start)))
        case .text(let v): return .text(Array(v.dropFirst(start)))
        }
    }

    func appending(_ other: LoggedColumnValues) -> LoggedColumnValues {
        switch (self, other) {
        case (.numbers(let a), .numbers(let b)): return .numbers(a + b)
        case (.text(let a), .text(let b)): return .text(a + b)
        case (.numbers(let a), .text(let b)): return .text(a.map { $0.isNaN ? nil : "\($0)" } + b)
        case (.text(let a), .numbers(let b)): return .text(a + b.map { $0.isNaN ? nil : "\($0)" })
        }
    }

    func padded(before count: Int) -> LoggedColumnValues {
        switch self {
        case .numbers(let v): return .numbers([Double](repeating: .nan, count: count) + v)
        case .text(let v): return .text([String?](repeating: nil, count: count) + v)
        }
    }

    func paddedMissing(to count: Int) -> LoggedColumnValues {
        switch self {
        case .numbers(let v): return .numbers(v + [Double](repeating: .nan, count: max(0, count - v.count)))
        case .text(let v): return .text(v + [String?](repeating: nil, count: max(0, count - v.count)))
        }
    }
}
