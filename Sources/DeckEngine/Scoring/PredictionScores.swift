import DeckML

/// The one number per scored row that the prediction log records and prediction drift compares:
/// the regression value, the positive class's probability (binary), or a multiclass model's top
/// probability. The endpoint's log and the reference predictions stored with a model version
/// both take it from here, so the two sides of prediction drift mean the same thing.
public enum PredictionScores {
    /// The name of prediction drift's row in monitor reports and alerts.
    public static let column = "prediction"

    /// The score of each of `rows` scored rows.
    public static func values(_ p: ModelPredictions, rows: Int) -> [Double] {
        if p.values.count == rows { return p.values }
        return (0..<rows).map { r in p.probabilities.flatMap { r < $0.count ? $0[r].max() : nil } ?? .nan }
    }

    /// `column`, or — when the model has an input of that name — `column` with underscores before it
    /// until it names no input.
    public static func columnName(avoiding inputs: [String]) -> String {
        var name = column
        let taken = Set(inputs)
        while taken.contains(name) { name = "_" + name }
        return name
    }
}

/// Prediction drift: the model's scores in a window against its scores on its test split, judged
/// as one more numerical column — the test chosen as for any column (by the reference's size,
/// Evidently's defaults) unless the monitor sets one for the row's name.
public enum PredictionDrift {
    /// The drift row of the scores (missing scores as NaN on either side).
    public static func result(name: String, reference: [Double], current: [Double], options: DriftOptions) throws -> DriftResult {
        let input = DriftColumnInput(name: name, kind: .numerical,
                                     values: .numbers(reference: DriftInputBuilder.sortedFinite(reference),
                                                      current: DriftInputBuilder.sortedFinite(current)),
                                     referenceRows: reference.count, currentRows: current.count)
        return try DriftDetector.test(input, options: options)
    }
}
