import DeckML
import DeckStore
import Foundation

/// The reference side of a model version's drift checks: its training split's input columns as
/// stored with the version (``ReferenceData``), or — for a version registered without them — the
/// dataset version it was trained on, limited to the model's input columns.
public struct MonitorReference: Sendable {
    /// The reference as a table (one column per model input; rows are not aligned across columns,
    /// which per-column tests do not need).
    public var table: DataTable
    /// `training split of churn-model@1 (5634 rows)`, or `dataset churn@2 (7043 rows, …)`.
    public var description: String
    /// The version's scores on its test split (missing ones as NaN), nil when they cannot be had.
    public var predictions: [Double]?
    /// Why there are no reference predictions, when there are none.
    public var predictionsNote: String?

    /// Loads the reference of `version`.
    public static func load(_ version: ModelVersionRecord, store: any WorkspaceStore) throws -> MonitorReference {
        if let object = version.referenceObject {
            let data: Data
            let reference: ReferenceData
            do {
                data = try store.objects.read(object)
                reference = try ReferenceData.decode(data)
            } catch {
                throw MonitorError.referenceUnreadable(model: version.reference, reason: "\(error)")
            }
            let (withPredictions, note) = PredictionReference.ensure(reference, version: version, store: store)
            return MonitorReference(table: table(withPredictions), description: "training split of \(version.reference) (\(reference.rows) rows)",
                                    predictions: withPredictions.predictions.map(values), predictionsNote: note)
        }
        guard let dataset = version.datasetReference else { throw MonitorError.noReference(model: version.reference) }
        let path: String
        do {
            let record = try store.datasetVersion(dataset)
            path = try DatasetMaterializer(store: store).path(for: record).path
        } catch {
            throw MonitorError.referenceUnreadable(model: version.reference, reason: "its training dataset \(dataset): \(error)")
        }
        var table: DataTable
        do { table = try DataTable.load(path: path) } catch {
            throw MonitorError.referenceUnreadable(model: version.reference, reason: "its training dataset \(dataset): \(error)")
        }
        var predictions: [Double]?, note: String?
        do { predictions = values(try PredictionReference.compute(version, table: table, store: store)) } catch {
            note = "prediction drift not judged: \(error)"
        }
        let inputs = Set(version.signature.map(\.name))
        if !inputs.isEmpty {
            let keep = table.names.indices.filter { inputs.contains(table.names[$0]) }
            table = DataTable(names: keep.map { table.names[$0] }, types: keep.map { table.types[$0] }, columns: keep.map { table.columns[$0] })
        }
        return MonitorReference(table: table, description: "dataset \(dataset) (\(table.rowCount) rows; the version has no stored training split)",
                                predictions: predictions, predictionsNote: note)
    }

    /// A stored numeric column's values (sorted) followed by its missing ones as NaN.
    static func values(_ column: ReferenceData.Column) -> [Double] {
        column.sortedValues + [Double](repeating: .nan, count: max(0, column.missing))
    }

    /// The stored reference as a table: numbers (sorted) padded with missing values, categories
    /// expanded from their counts.
    public static func table(_ reference: ReferenceData) -> DataTable {
        let rows = reference.columns.map { $0.count + $0.missing }.max() ?? 0
        var names: [String] = [], types: [ColumnType] = [], columns: [DataTable.Column] = []
        for column in reference.columns {
            names.append(column.name)
            if let categories = column.categories {
                var codes: [Int32] = []
                codes.reserveCapacity(rows)
                for (k, category) in categories.enumerated() where category.count > 0 {
                    codes.append(contentsOf: repeatElement(Int32(k), count: min(category.count, rows - codes.count)))
                }
                codes.append(contentsOf: repeatElement(-1, count: rows - codes.count))
                types.append(ColumnType(rawValue: column.type).flatMap { $0.isNumeric ? nil : $0 } ?? .categorical)
                columns.append(.categorical(codes: codes, categories: categories.map(\.value)))
            } else {
                var values = Array(column.sortedValues.prefix(rows))
                values.append(contentsOf: repeatElement(.nan, count: rows - values.count))
                types.append(ColumnType(rawValue: column.type).flatMap { $0.isTextual ? nil : $0 } ?? .float)
                columns.append(.numeric(values))
            }
        }
        return DataTable(names: names, types: types, columns: columns)
    }
}

/// Why a monitor could not judge a model, in words naming the model, file or key.
public enum MonitorError: Error, CustomStringConvertible, Equatable, CategorizedError {
    /// The version has neither stored reference data nor a recorded training dataset.
    case noReference(model: String)
    case referenceUnreadable(model: String, reason: String)
    /// No prediction of the model has been logged.
    case noPredictions(model: String)
    /// The version's scores on its test split (prediction drift's reference) cannot be had.
    case noPredictionReference(model: String, reason: String)
    /// The workspace has no prediction log yet.
    case noPredictionLog(path: String)

    public var description: String {
        switch self {
        case .noReference(let model):
            return "\(model) has no reference data and no recorded training dataset to compare with (register it with a pipeline's `register` step)"
        case .referenceUnreadable(let model, let reason):
            return "the reference data of \(model) cannot be read: \(reason)"
        case .noPredictionReference(let model, let reason):
            return "\(model) has no reference predictions (its scores on its test split): \(reason)"
        case .noPredictions(let model):
            return "no prediction of \(model) has been logged yet (serve it with `mldeck serve \(model)`), or give a batch with --batch FILE"
        case .noPredictionLog(let path):
            return "there is no prediction log yet (\(path)): serve the model with `mldeck serve`, or give a batch with --batch FILE"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .noReference, .noPredictions, .noPredictionLog, .noPredictionReference: return .notFound
        case .referenceUnreadable: return .corrupt
        }
    }
}
