import DeckML

/// The one way MLDeck scores data with a model version: `models predict`, and next the
/// prediction endpoint and monitoring. A table (or some of its rows) goes in; predictions,
/// class probabilities and the rows' ids come out. Values the model cannot read are refused, or
/// scored as missing and reported under `lenient`.
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
        /// Values scored as missing (only under `lenient`).
        public var warnings: [ScoringProblem]
    }

    /// How many problems an error lists (all are counted).
    public static let listedProblems = 10

    /// Scores `rows` of `table` (all rows when nil).
    /// - Throws: ``ScoringError/badValues(problems:total:)`` unless `lenient`;
    ///   ``PreprocessingError`` for a missing input column.
    public func score(_ table: DataTable, rows: [Int]? = nil, lenient: Bool = false) throws -> Result {
        let problems = ScoringInputCheck.problems(table, spec: model.spec, rows: rows)
        if !problems.isEmpty && !lenient {
            throw ScoringError.badValues(problems: Array(problems.prefix(Self.listedProblems)), total: problems.count)
        }
        let predictions = try model.predict(table, rows: rows)
        let idColumn = model.spec.idColumn.flatMap { table.index(of: $0) != nil ? $0 : nil }
        let ids = idColumn.flatMap { name in
            table[name].map { column in (rows ?? Array(0..<table.rowCount)).map { LabelText.cell(column, $0) ?? "" } }
        }
        return Result(predictions: predictions, idColumn: idColumn, ids: ids, warnings: problems)
    }
}
