/// Row indices of the training, validation and test parts of a dataset: disjoint, together
/// covering every row, each sorted ascending.
public struct DatasetSplit: Sendable, Equatable, Codable {
    /// Rows to train on.
    public var train: [Int]
    /// Rows for per-round evaluation and early stopping (may be empty).
    public var validation: [Int]
    /// Rows held out for the final evaluation.
    public var test: [Int]

    public init(train: [Int], validation: [Int], test: [Int]) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Total number of rows.
    public var count: Int { train.count + validation.count + test.count }
}

/// Fractions of the rows given to validation and test; training gets the rest.
public struct SplitFractions: Sendable, Equatable, Codable {
    /// Fraction of rows for validation, in [0, 1).
    public var validation: Double
    /// Fraction of rows for test, in [0, 1).
    public var test: Double

    public init(validation: Double = 0, test: Double) {
        self.validation = validation
        self.test = test
    }

    /// Fraction of rows for training.
    public var train: Double { 1 - validation - test }

    func validate() throws(SplitError) {
        guard validation.isFinite, test.isFinite, validation >= 0, test >= 0, validation + test < 1 else {
            throw .invalidFractions(validation: validation, test: test)
        }
    }

    /// Counts (train, validation, test) for `n` rows: validation and test are rounded to nearest
    /// (ties away from zero), training takes the remainder.
    func counts(for n: Int) -> (train: Int, validation: Int, test: Int) {
        let test = min(n, Int((Double(n) * self.test).rounded()))
        let validation = min(n - test, Int((Double(n) * self.validation).rounded()))
        return (n - test - validation, validation, test)
    }
}
