/// Which per-round curves XGBoost evaluates during training, how often and on which rows.
///
/// XGBoost's own per-round evaluation (`XGBoosterEvalOneIter`) transforms and scores every row of
/// every watched set after every round; on a large training set that costs a large share of the
/// boosting time while the training curve adds little that a fixed sample does not show. The
/// plan bounds that cost without changing the model: which sets are evaluated never changes
/// what is trained (the prediction caches are per set).
///
/// The last trained round is always evaluated on every curve that is on, so the curves end where
/// training ended.
public struct XGBoostCurvePlan: Sendable, Equatable, Codable {
    /// Rows of the training set the training curve is computed on (an evenly spaced, fixed
    /// sample); nil uses every training row.
    public var trainRows: Int?
    /// The training curve is evaluated every this many rounds; 0 turns it off.
    public var trainEvery: Int
    /// The validation (held-out) curve is evaluated every this many rounds (at least 1). Early
    /// stopping needs 1.
    public var validationEvery: Int

    public init(trainRows: Int? = XGBoostCurvePlan.defaultTrainRows, trainEvery: Int = 1, validationEvery: Int = 1) {
        self.trainRows = trainRows
        self.trainEvery = trainEvery
        self.validationEvery = validationEvery
    }

    /// The default sample size of the training curve.
    public static let defaultTrainRows = 10_000

    /// The default: the training curve on a fixed sample of 10,000 rows and the validation curve
    /// on every row, both every round.
    public static let standard = XGBoostCurvePlan()

    /// Both curves on every row, every round (what Python's `xgb.train(evals=…)` does).
    public static let full = XGBoostCurvePlan(trainRows: nil, trainEvery: 1, validationEvery: 1)

    /// Checks the values (a step option that sets them names the key).
    public func validate(earlyStopping: Bool) throws(XGBoostError) {
        if let trainRows, trainRows < 1 {
            throw .invalidParameter(name: "train_curve_rows", value: "\(trainRows)", reason: "must be at least 1 (0 in a step's options means all rows)")
        }
        if trainEvery < 0 {
            throw .invalidParameter(name: "train_curve_every", value: "\(trainEvery)", reason: "must be 0 (off) or more")
        }
        if validationEvery < 1 {
            throw .invalidParameter(name: "validation_curve_every", value: "\(validationEvery)", reason: "must be at least 1")
        }
        if earlyStopping && validationEvery != 1 {
            throw .invalidParameter(name: "validation_curve_every", value: "\(validationEvery)",
                                    reason: "early stopping reads the validation metric every round: leave it at 1")
        }
    }

    /// Whether the training curve is evaluated after zero-based `round` (`isLast` for the last round).
    public func evaluatesTrain(round: Int, isLast: Bool) -> Bool {
        trainEvery > 0 && (isLast || (round + 1) % trainEvery == 0)
    }

    /// Whether the validation curve is evaluated after zero-based `round`.
    public func evaluatesValidation(round: Int, isLast: Bool) -> Bool {
        isLast || (round + 1) % validationEvery == 0
    }

    /// The zero-based training rows of the curve's sample out of `count`, evenly spaced; nil when
    /// the curve uses every row.
    public func sampleRows(of count: Int) -> [Int32]? {
        guard let trainRows, trainRows < count, count <= Int(Int32.max) else { return nil }
        return (0..<trainRows).map { Int32(truncatingIfNeeded: $0 * count / trainRows) }
    }
}
