import Foundation

/// One input column of a logged batch, as the model read it.
public enum LoggedColumnValues: Sendable, Equatable {
    /// Numbers (NaN for a missing value).
    case numbers([Double])
    /// Text (nil for a missing value).
    case text([String?])

    /// Number of rows.
    public var count: Int {
        switch self {
        case .numbers(let v): return v.count
        case .text(let v): return v.count
        }
    }

    /// Appends `other`'s values when both hold the same kind (otherwise nothing changes).
    ///
    /// In place: the payload is taken out and `self` emptied before appending, so the array is
    /// uniquely referenced and grows without a copy whatever the optimizer does. (A copy of the
    /// whole column per append would make a writer's round — hundreds of one-row requests merged
    /// one by one — quadratic; `PredictionLogWriterTests` checks that the storage stays put.)
    public mutating func append(_ other: LoggedColumnValues) {
        switch other {
        case .numbers(let b):
            guard case .numbers(var a) = self else { return }
            self = .numbers([])
            a.append(contentsOf: b)
            self = .numbers(a)
        case .text(let b):
            guard case .text(var a) = self else { return }
            self = .text([])
            a.append(contentsOf: b)
            self = .text(a)
        }
    }
}

/// A named input column of a logged batch.
public struct LoggedColumn: Sendable, Equatable {
    public var name: String
    public var values: LoggedColumnValues

    public init(name: String, values: LoggedColumnValues) { self.name = name; self.values = values }
}

/// One answered row: what the server said and how long the request took.
public struct LoggedPrediction: Sendable, Equatable {
    /// The server-made prediction id (what `/feedback` accepts).
    public var id: String
    /// The caller's value of the model's id column, when sent.
    public var callerID: String?
    /// The predicted class (classifiers).
    public var label: String?
    /// The predicted value (regression), or the positive class's probability (binary).
    public var value: Double
    /// Class probabilities in the batch's `classes` order (classifiers).
    public var probabilities: [Double]?

    public init(id: String, callerID: String?, label: String?, value: Double, probabilities: [Double]?) {
        self.id = id; self.callerID = callerID; self.label = label; self.value = value; self.probabilities = probabilities
    }
}

/// The rows one or more requests scored with one model version, written as one batch: the
/// inputs column by column, one ``LoggedPrediction`` per row.
public struct PredictionBatch: Sendable, Equatable {
    public var model: String
    public var version: Int
    /// Seconds since 1970 when the (first) request was answered.
    public var time: Double
    /// Seconds the request took (per row: the request that made it).
    public var latencies: [Double]
    public var classes: [String]?
    public var columns: [LoggedColumn]
    public var rows: [LoggedPrediction]

    public init(model: String, version: Int, time: Double, latencies: [Double], classes: [String]?,
                columns: [LoggedColumn], rows: [LoggedPrediction]) {
        self.model = model; self.version = version; self.time = time; self.latencies = latencies
        self.classes = classes; self.columns = columns; self.rows = rows
    }

    /// True when `other` can be appended to this batch (same model, version, classes and columns).
    public func canMerge(_ other: PredictionBatch) -> Bool {
        model == other.model && version == other.version && classes == other.classes
            && columns.count == other.columns.count
            && zip(columns, other.columns).allSatisfy { a, b in
                guard a.name == b.name else { return false }
                switch (a.values, b.values) {
                case (.numbers, .numbers), (.text, .text): return true
                default: return false
                }
            }
    }

    /// Appends `other`'s rows (see ``canMerge(_:)``), in place: merging n small batches one by
    /// one costs O(total rows), not O(n²) (see ``LoggedColumnValues/append(_:)``).
    public mutating func merge(_ other: PredictionBatch) {
        for k in columns.indices { columns[k].values.append(other.columns[k].values) }
        rows += other.rows
        latencies += other.latencies
    }
}

/// A label for an earlier prediction, named by the server's prediction id or the caller's id.
public struct FeedbackEntry: Sendable, Equatable {
    public var model: String
    public var predictionID: String?
    public var callerID: String?
    public var label: String
    public var time: Double

    public init(model: String, predictionID: String?, callerID: String?, label: String, time: Double) {
        self.model = model; self.predictionID = predictionID; self.callerID = callerID; self.label = label; self.time = time
    }
}

/// A logged prediction with the feedback label given for it, if any.
public struct LabeledPrediction: Sendable, Equatable {
    public var id: String
    public var callerID: String?
    public var model: String
    public var version: Int
    public var time: Double
    public var predicted: String?
    public var value: Double
    public var actual: String?
}

/// How long the prediction log keeps rows: at most `maxRows` predictions and none older than
/// `maxAge` seconds (either may be nil). Text form: `1000000`, `30d`, `12h`, `1000000,30d`.
public struct RetentionPolicy: Sendable, Equatable, CustomStringConvertible {
    public var maxRows: Int?
    public var maxAge: Double?

    /// 1,000,000 rows or 30 days, whichever trims more.
    public static let `default` = RetentionPolicy(maxRows: 1_000_000, maxAge: 30 * 86_400)

    public init(maxRows: Int?, maxAge: Double?) { self.maxRows = maxRows; self.maxAge = maxAge }

    /// Parses `N` (rows), `Nd`/`Nh`/`Nm`/`Ns` (age), or both separated by a comma.
    public init(parsing text: String) throws {
        var rows: Int?, age: Double?
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let last = part.last else { continue }
            let units: [Character: Double] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
            if let unit = units[last] {
                guard let n = Int(part.dropLast()), n > 0, Double(n) * unit <= 100 * 366 * 86_400 else { throw PredictionLogError.badRetention(text) }
                age = Double(n) * unit
            } else {
                guard let n = Int(part), n > 0 else { throw PredictionLogError.badRetention(text) }
                rows = n
            }
        }
        if rows == nil && age == nil { throw PredictionLogError.badRetention(text) }
        self.init(maxRows: rows, maxAge: age)
    }

    public var description: String {
        var parts: [String] = []
        if let maxRows { parts.append("\(maxRows) rows") }
        if let maxAge { parts.append(maxAge.truncatingRemainder(dividingBy: 86_400) == 0 ? "\(Int64(maxAge / 86_400)) days" : "\(Int64(maxAge)) s") }
        return parts.joined(separator: " or ")
    }
}

/// What a trim removed.
public struct PredictionTrimReport: Sendable, Equatable, Codable {
    public var removedPredictions: Int
    public var removedFeedback: Int

    enum CodingKeys: String, CodingKey {
        case removedPredictions = "removed_predictions", removedFeedback = "removed_feedback"
    }
}

/// Why the prediction log could not be used.
public enum PredictionLogError: Error, CustomStringConvertible, CategorizedError {
    case badRetention(String)
    case unavailable(path: String, reason: String)

    public var category: ErrorCategory {
        switch self {
        case .badRetention: return .invalidArgument
        case .unavailable: return .unavailable
        }
    }

    public var description: String {
        switch self {
        case .badRetention(let text):
            return "retention '\(text)' is not a row count or an age: give e.g. 1000000, 30d, 12h or 1000000,30d"
        case .unavailable(let path, let reason):
            return "the prediction log \(path) cannot be used: \(reason)"
        }
    }
}
