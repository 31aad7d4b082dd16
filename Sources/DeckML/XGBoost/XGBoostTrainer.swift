import Foundation

/// Trains XGBoost models: the `xgboost` step (trees) and the `linear` step (`gblinear`).
public enum XGBoostTrainer {
    /// Names of the evaluation sets in the per-round log.
    public static let trainSetName = "train"
    public static let validationSetName = "validation"
    /// The name of a held-out set that is only watched (its curve drawn), never used to stop.
    public static let testSetName = "test"

    /// Trains a model, evaluating `train` and `validation` after rounds as `curves` says (every
    /// row, every round by default). Which curves are evaluated never changes the model.
    ///
    /// - Parameters:
    ///   - parameters: objective, booster, rounds, early stopping, threads, metrics, extras.
    ///   - train: the training set.
    ///   - validation: the validation set, required for early stopping.
    ///   - heldOutName: the name of `validation` in the log; any name but `validation` makes it a
    ///     set that is only watched (e.g. `test` when there is no validation split): no early
    ///     stopping and no best round are taken from it.
    ///   - curves: which rows of `train` the training curve uses and how often each curve is
    ///     evaluated; rounds without evaluation report no metrics.
    ///   - onRound: called after each round with its metrics (`train-logloss`, `validation-auc`, …);
    ///     throwing from it (for example `CancellationError`) stops training and rethrows.
    /// - Returns: the model (cut to the best round under early stopping) and its history.
    public static func train(
        parameters: XGBoostParameters,
        train: LabeledMatrix,
        validation: LabeledMatrix? = nil,
        heldOutName: String = validationSetName,
        curves: XGBoostCurvePlan = .full,
        onRound: ((XGBoostRoundLog) throws -> Void)? = nil
    ) throws -> XGBoostTrainingResult {
        try parameters.validate()
        try curves.validate(earlyStopping: parameters.earlyStoppingRounds != nil)
        try train.validateLabels(for: parameters.objective)
        try validation?.validateLabels(for: parameters.objective)
        if let validation, validation.features.featureNames != train.features.featureNames {
            throw XGBoostError.malformedMatrix("validation features \(validation.features.featureNames) differ from training features \(train.features.featureNames)")
        }
        if parameters.earlyStoppingRounds != nil && (validation == nil || heldOutName != validationSetName) {
            throw XGBoostError.invalidParameter(name: "early_stopping_rounds", value: "\(parameters.earlyStoppingRounds!)",
                                                reason: "early stopping needs a validation set")
        }
        var timings = XGBoostTrainingTimings()
        let clock = ContinuousClock()
        let start = clock.now
        let trainMatrix = try XGBoostDMatrix(train.features, labels: train.labels, threads: parameters.threads)
        let validationMatrix = try validation.map {
            try XGBoostDMatrix($0.features, labels: $0.labels, threads: parameters.threads)
        }
        timings.matrixBuild = (clock.now - start).inSeconds
        return try Self.train(parameters: parameters, train: trainMatrix, validation: validationMatrix, heldOutName: heldOutName,
                              curves: curves, timings: timings, onRound: onRound)
    }

    /// Trains on prebuilt matrices (labels already set); see `train(parameters:train:validation:onRound:)`.
    public static func train(
        parameters: XGBoostParameters,
        train trainMatrix: XGBoostDMatrix,
        validation validationMatrix: XGBoostDMatrix?,
        heldOutName: String = validationSetName,
        curves: XGBoostCurvePlan = .full,
        timings initialTimings: XGBoostTrainingTimings = XGBoostTrainingTimings(),
        onRound: ((XGBoostRoundLog) throws -> Void)? = nil
    ) throws -> XGBoostTrainingResult {
        try parameters.validate()
        try curves.validate(earlyStopping: parameters.earlyStoppingRounds != nil)
        var timings = initialTimings
        let clock = ContinuousClock()

        if let validationMatrix, validationMatrix.featureNameList != trainMatrix.featureNameList {
            throw XGBoostError.malformedMatrix("validation features \(validationMatrix.featureNameList) differ from training features \(trainMatrix.featureNameList)")
        }
        // The training curve's rows: a fixed sample (its own prediction cache) or the training set.
        var cached = [trainMatrix]
        var trainCurve: XGBoostDMatrix?
        if curves.trainEvery > 0 {
            let sampleStart = clock.now
            if let rows = curves.sampleRows(of: trainMatrix.rows) {
                let sample = try trainMatrix.slice(rows: rows)
                cached.append(sample)
                trainCurve = sample
            } else {
                trainCurve = trainMatrix
            }
            timings.matrixBuild += (clock.now - sampleStart).inSeconds
        }
        if let validationMatrix { cached.append(validationMatrix) }
        let booster = try XGBoostBooster(caching: cached)
        if !trainMatrix.featureNameList.isEmpty {
            try booster.setFeatureNames(trainMatrix.featureNameList)
        }
        for (name, value) in parameters.boosterParameterPairs {
            try booster.setParameter(name, value)
        }

        let stoppingMetric = validationMatrix == nil || heldOutName != validationSetName
            ? nil : "\(validationSetName)-\(parameters.effectiveEvalMetrics.last!)"
        var tracker = stoppingMetric.map { EarlyStoppingTracker(metric: $0, patience: parameters.earlyStoppingRounds) }
        let isLinear = parameters.booster == .gblinear
        var bestLinearSnapshot: Data?
        var history: [XGBoostRoundLog] = []
        history.reserveCapacity(parameters.rounds)

        var roundsTrained = 0
        for round in 0..<parameters.rounds {
            var start = clock.now
            try booster.updateOneIteration(round, train: trainMatrix)
            roundsTrained = round + 1
            timings.boosting += (clock.now - start).inSeconds

            start = clock.now
            let isLast = round == parameters.rounds - 1
            var sets: [(name: String, matrix: XGBoostDMatrix)] = []
            let trainDue = trainCurve != nil && curves.evaluatesTrain(round: round, isLast: isLast)
            if trainDue, let trainCurve { sets.append((trainSetName, trainCurve)) }
            let validationDue = validationMatrix != nil && curves.evaluatesValidation(round: round, isLast: isLast)
            if validationDue, let validationMatrix { sets.append((heldOutName, validationMatrix)) }
            var metrics = sets.isEmpty ? [:] : EvaluationLineParser.parse(try booster.evaluationLine(round, sets: sets))
            timings.evaluation += (clock.now - start).inSeconds

            start = clock.now
            var shouldStop = false
            if validationDue, var current = tracker {
                let improved = try current.record(XGBoostRoundLog(round: round, metrics: metrics))
                shouldStop = current.shouldStop
                tracker = current
                if improved && isLinear && parameters.earlyStoppingRounds != nil {
                    bestLinearSnapshot = try booster.serializedState()
                }
            }
            if shouldStop && !trainDue, let trainCurve {
                // Training ends here: the training curve ends here too.
                let evalStart = clock.now
                let line = try booster.evaluationLine(round, sets: [(trainSetName, trainCurve)])
                metrics.merge(EvaluationLineParser.parse(line)) { old, _ in old }
                timings.evaluation += (clock.now - evalStart).inSeconds
            }
            let log = XGBoostRoundLog(round: round, metrics: metrics)
            history.append(log)
            try onRound?(log)
            timings.logging += (clock.now - start).inSeconds
            if shouldStop { break }
        }

        let start = clock.now
        let bestIteration = tracker?.bestRound ?? (roundsTrained - 1)
        var model = booster
        if parameters.earlyStoppingRounds != nil && bestIteration + 1 < roundsTrained {
            if isLinear, let snapshot = bestLinearSnapshot {
                model = try XGBoostBooster(serializedState: snapshot)
            } else if !isLinear {
                model = try booster.slice(rounds: 0..<(bestIteration + 1))
            }
        }
        timings.finishing = (clock.now - start).inSeconds
        return XGBoostTrainingResult(
            booster: model, bestIteration: bestIteration, bestScore: tracker?.bestScore,
            stoppingMetric: stoppingMetric, roundsTrained: roundsTrained, history: history, timings: timings)
    }
}
