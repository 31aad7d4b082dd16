/// Features with one label per row: a training or evaluation set.
public struct LabeledMatrix: Sendable, Equatable {
    /// The features.
    public var features: FeatureMatrix
    /// One label per row: 0/1 for binary, the class index for multiclass, the target for regression.
    public var labels: [Float]

    /// Pairs features with labels, checking there is one label per row.
    public init(features: FeatureMatrix, labels: [Float]) throws(XGBoostError) {
        guard labels.count == features.rows else {
            throw .invalidLabels("\(labels.count) labels for \(features.rows) rows")
        }
        self.features = features
        self.labels = labels
    }

    /// The rows at `indices` (e.g. one part of a `DatasetSplit`).
    public func selectingRows(_ indices: [Int]) -> LabeledMatrix {
        var subset = self
        subset.features = features.selectingRows(indices)
        subset.labels = indices.map { labels[$0] }
        return subset
    }

    /// Checks the labels suit `objective`, naming the first offending row.
    public func validateLabels(for objective: XGBoostObjective) throws(XGBoostError) {
        switch objective {
        case .binaryLogistic:
            if let row = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw .invalidLabels("binary:logistic needs labels 0 or 1; row \(row) has \(labels[row])")
            }
        case let .multiSoftprob(classes):
            if let row = labels.firstIndex(where: { !($0 >= 0 && $0 < Float(classes) && $0.rounded() == $0) }) {
                throw .invalidLabels("multi:softprob with \(classes) classes needs labels 0…\(classes - 1); row \(row) has \(labels[row])")
            }
        case .squaredError:
            if let row = labels.firstIndex(where: { !$0.isFinite }) {
                throw .invalidLabels("reg:squarederror needs finite targets; row \(row) has \(labels[row])")
            }
        }
    }
}
