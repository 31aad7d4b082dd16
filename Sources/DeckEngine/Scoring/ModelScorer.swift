import DeckML

/// The one way MLDeck scores data with a model version: `models predict`, and next the
/// prediction endpoint and monitoring. A table (or some of its rows) goes in; predictions,
/// class probabilities and the rows' ids come out.
///
/// One rule for every caller (`models predict`, `serve`, the shadow): a category the model never
/// saw in training is scored as missing — the encoding it was trained with (one-hot: all zero;
/// ordinal: NaN) — and reported in ``Result/warnings``, since live data meets new categories and
/// monitoring counts them; text in a numeric column is refused (the caller sent something else
/// than a number), unless `lenient` scores it as missing too and reports it.
public struct ModelScorer: Sendable {
    public let model: LoadedModel

    public init(model: LoadedModel) { self.model = model }

    /// What scoring returns.
    public struct Result: Sendable {
        public var predictions: ModelPredictions
        /// The model's id column (role `id`) when the table has it.
        public var idColumn: String?
        /// That column's value per scored row.
        public var ids: [String]?
        /// Values scored as missing: unseen categories always, text in a numeric column under `lenient`.
        public var warnings: [ScoringProblem]
    }

    /// How many problems an error lists (all are counted).
    public static let listedProblems = 10

    /// Scores `rows` of `table` (all rows when nil).
    /// - Throws: ``ScoringError/badValues(problems:total:)`` for text in a numeric column unless
    ///   `lenient`; ``PreprocessingError`` for a missing input column.
    public func score(_ table: DataTable, rows: [Int]? = nil, lenient: Bool = false) throws -> Result {
        let problems = ScoringInputCheck.problems(table, transformer: model.transformer, rows: rows)
        let refused = problems.filter { $0.kind == .notANumber }
        if !refused.isEmpty && !lenient {
            throw ScoringError.badValues(problems: Array(refused.prefix(Self.listedProblems)), total: refused.count)
        }
        let predictions = try model.predict(table, rows: rows)
        let idColumn = model.spec.idColumn.flatMap { table.index(of: $0) != nil ? $0 : nil }
        let ids = idColumn.flatMap { name in
            table[name].map { column in (rows ?? Array(0..<table.rowCount)).map { LabelText.cell(column, $0) ?? "" } }
        }
        return Result(predictions: predictions, idColumn: idColumn, ids: ids, warnings: problems)
    }
}
