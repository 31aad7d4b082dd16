import DeckML
import Foundation

/// The learning task of a model.
public enum ModelTask: String, Codable, Sendable, CaseIterable {
    case binary, multiclass, regression

    /// The XGBoost objective for the task.
    public func objective(classes: Int) -> XGBoostObjective {
        switch self {
        case .binary: return .binaryLogistic
        case .multiclass: return .multiSoftprob(classes: classes)
        case .regression: return .squaredError
        }
    }
}

/// How one input column becomes matrix columns.
public enum FeatureEncoding: String, Codable, Sendable {
    /// The number itself (booleans 0/1, datetimes as seconds); missing → NaN.
    case numeric
    /// One 0/1 column per category seen in training; missing or unseen → all 0.
    case onehot
    /// The category's index among those seen in training; missing or unseen → NaN.
    case ordinal
}

/// One input column of a model, as the preprocessing spec records it.
public struct InputColumn: Codable, Sendable, Equatable {
    public var name: String
    /// The inferred type (`integer`, `float`, `boolean`, `datetime`, `categorical`, `text`).
    public var type: String
    public var encoding: FeatureEncoding
    /// Categories seen in the training split, sorted (one-hot and ordinal columns).
    public var categories: [String]?
    /// Index of its first matrix column.
    public var offset: Int
    /// Number of matrix columns it fills.
    public var width: Int
}

/// A column left out of the features, and why.
public struct ExcludedColumn: Codable, Sendable, Equatable {
    public var name: String
    public var reason: String
    /// What the column is for, when not a feature: `id` for the column that names a row, whose
    /// values scoring returns beside each prediction. Absent in specs written before it existed.
    public var role: ColumnRole?

    public init(name: String, reason: String, role: ColumnRole? = nil) {
        self.name = name; self.reason = reason; self.role = role
    }
}

/// The declared role of a column that is not a feature.
public enum ColumnRole: String, Codable, Sendable {
    /// Names the row (a customer id, a row number): returned with predictions as `ids`.
    case id
}

/// Everything needed to turn a table into the model's feature matrix and its predictions back
/// into labels: stored with every model version (`preprocessing_object`) and exported beside the
/// model (`preprocessing.json`), so that Python can reproduce it.
public struct PreprocessingSpec: Codable, Sendable, Equatable {
    /// Format version of this spec.
    public var format: Int = 1
    public var target: String
    public var task: ModelTask
    /// Class labels in class-index order (classification): predictions come back as these.
    public var classes: [String]?
    /// Input columns in matrix order.
    public var inputs: [InputColumn]
    /// Matrix column names (what the XGBoost model calls its features).
    public var featureNames: [String]
    public var excluded: [ExcludedColumn]

    public init(target: String, task: ModelTask, classes: [String]?, inputs: [InputColumn], featureNames: [String], excluded: [ExcludedColumn]) {
        self.target = target; self.task = task; self.classes = classes; self.inputs = inputs
        self.featureNames = featureNames; self.excluded = excluded
    }

    /// The positive class of a binary model: the second of ``classes`` (class index 1, whose
    /// probability XGBoost predicts). `split` puts the class named by `positive:` there; every
    /// metric, threshold and score follows from that order.
    public var positiveClass: String? {
        guard task == .binary, let classes, classes.count == 2 else { return nil }
        return classes[1]
    }

    /// The column whose values name the rows (role `id`), if the model declared one.
    public var idColumn: String? { excluded.first { $0.role == .id }?.name }

    /// Number of classes (1 for regression).
    public var classCount: Int { classes?.count ?? 1 }

    /// The XGBoost objective for this task.
    public var objective: XGBoostObjective { task.objective(classes: classCount) }

    /// JSON bytes (sorted keys, stable).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    /// Reads a spec written by ``jsonData()``.
    public static func decode(_ data: Data) throws -> PreprocessingSpec {
        try JSONDecoder().decode(PreprocessingSpec.self, from: data)
    }
}

/// Why a table cannot be prepared for a model.
public enum PreprocessingError: Error, CustomStringConvertible, Equatable {
    case missingColumn(String, available: [String])
    case targetInFeatures(String)
    case noFeatures
    case emptyTarget(String)
    case tooManyClasses(target: String, count: Int)
    case unknownLabel(column: String, label: String, row: Int, classes: [String])
    case singleClass(target: String, label: String)
    case badTask(String)

    public var description: String {
        switch self {
        case .missingColumn(let name, let available):
            let hint = Suggestion.closest(to: name, in: available).map { " (did you mean '\($0)'?)" } ?? ""
            return "no column '\(name)'\(hint); columns: \(available.prefix(30).joined(separator: ", "))"
        case .targetInFeatures(let name): return "the target '\(name)' cannot also be a feature"
        case .noFeatures: return "no feature columns are left (check features: / exclude:)"
        case .emptyTarget(let name): return "the target '\(name)' has no values"
        case .tooManyClasses(let target, let count):
            return "the target '\(target)' is text with \(count) distinct values: too many classes (at most 50); set `task: regression` or pick another target"
        case .unknownLabel(let column, let label, let row, let classes):
            return "row \(row + 1): '\(label)' in '\(column)' is not one of the model's classes (\(classes.joined(separator: ", ")))"
        case .singleClass(let target, let label): return "the target '\(target)' has only one value ('\(label)'): nothing to learn"
        case .badTask(let text): return "unknown task '\(text)' (expected binary, multiclass or regression)"
        }
    }
}
