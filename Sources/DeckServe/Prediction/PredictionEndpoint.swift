import DeckEngine
import DeckML
import DeckStore
import Foundation

/// Answers a scoring request: reads the body, checks it against the served model's signature,
/// scores it through ``ModelScorer`` (the one scoring path of `mldeck models predict`), queues
/// the rows for the prediction log and writes MLflow's answer `{"predictions": […]}` with
/// `probabilities`, `classes`, `ids`, `prediction_ids` and `warnings` beside it.
public struct PredictionEndpoint: Sendable {
    public let slot: ModelSlot
    public let writer: PredictionLogWriter
    public let ids: PredictionIDs
    /// Scores answered requests again with a shadow version, off the request path (every one that finds room in its inbox).
    public let shadow: ShadowScorer?

    public init(slot: ModelSlot, writer: PredictionLogWriter, ids: PredictionIDs = PredictionIDs(), shadow: ShadowScorer? = nil) {
        self.slot = slot; self.writer = writer; self.ids = ids; self.shadow = shadow
    }

    /// The answer's JSON and the version that made it.
    public struct Answer: Sendable {
        public var json: String
        public var version: Int
    }

    /// Scores `body` (MLflow's JSON formats, or CSV when `contentType` says `text/csv`).
    public func predict(body: [UInt8], contentType: String?, started: ContinuousClock.Instant = .now) throws(HTTPAPIError) -> Answer {
        let served = slot.current
        let frame = try ScoringRequestParser.parse(body, contentType: contentType, knownColumns: served.builder.lastColumns)
        let (table, checked) = try served.builder.build(frame)
        var warnings = checked
        let result: ModelScorer.Result
        do {
            result = try served.scorer.score(table)
        } catch ScoringError.badValues(let problems, _) where !problems.isEmpty {
            let problem = problems[0]
            throw HTTPAPIError.badRequest("row \(problem.row), column '\(problem.column)': \(JSONText.quoted(String(problem.value.prefix(60)))) is not a number")
        } catch let error as CategorizedError {
            throw HTTPAPIError(categorized: error)
        } catch let error as PreprocessingError {
            throw HTTPAPIError.badRequest("\(error)")
        } catch {
            throw HTTPAPIError(.internalServerError, code: "INTERNAL_ERROR", "the model failed to score the rows")
        }
        let unseen = result.warnings.filter { $0.kind == .unseenCategory }
        if !unseen.isEmpty {
            warnings += unseen.prefix(ModelScorer.listedProblems).map { "\($0) (scored as missing)" }
            if unseen.count > ModelScorer.listedProblems { warnings.append("… and \(unseen.count - ModelScorer.listedProblems) more unseen categories") }
        }
        let predictions = result.predictions
        let rowCount = table.rowCount
        let madeIDs = ids.make(rowCount)
        let json = Self.answerJSON(predictions, ids: result.ids, predictionIDs: madeIDs, warnings: warnings)
        let seconds = (ContinuousClock.now - started).inSeconds
        if writer.isEnabled && rowCount > 0 {
            writer.enqueue(Self.logBatch(served, table: table, predictions: predictions, callerIDs: result.ids,
                                         predictionIDs: madeIDs, seconds: seconds))
            shadow?.enqueue(body: body, contentType: contentType, predictionIDs: madeIDs, primaryVersion: served.version.version)
        }
        return Answer(json: json, version: served.version.version)
    }

    static func answerJSON(_ p: ModelPredictions, ids: [String]?, predictionIDs: [String], warnings: [String]) -> String {
        var json = JSONText()
        json.raw("{\"predictions\":")
        if let labels = p.labels { json.strings(labels) } else { json.numbers(p.values) }
        if let probabilities = p.probabilities {
            json.raw(",\"probabilities\":[")
            for (i, row) in probabilities.enumerated() { if i > 0 { json.raw(",") }; json.numbers(row) }
            json.raw("]")
        }
        if let classes = p.classes { json.raw(",\"classes\":"); json.strings(classes) }
        if let ids { json.raw(",\"ids\":"); json.strings(ids) }
        json.raw(",\"prediction_ids\":"); json.strings(predictionIDs)
        if !warnings.isEmpty { json.raw(",\"warnings\":"); json.strings(warnings) }
        json.raw("}")
        return json.text
    }

    static func logBatch(_ served: ServedModel, table: DataTable, predictions p: ModelPredictions, callerIDs: [String]?,
                         predictionIDs: [String], seconds: Double) -> PredictionBatch {
        let columns = LoggedInputs.columns(of: table, inputs: served.scorer.model.spec.inputs)
        let scores = PredictionScores.values(p, rows: table.rowCount)
        var rows: [LoggedPrediction] = []
        rows.reserveCapacity(table.rowCount)
        for r in 0..<table.rowCount {
            let value = scores[r]
            rows.append(LoggedPrediction(id: predictionIDs[r], callerID: callerIDs?[r], label: p.labels?[r],
                                         value: value, probabilities: p.probabilities?[r]))
        }
        return PredictionBatch(model: served.version.model, version: served.version.version, time: Date().timeIntervalSince1970,
                               latencies: [Double](repeating: seconds, count: table.rowCount), classes: p.classes,
                               columns: columns, rows: rows)
    }
}
