import DeckEngine
import DeckML

/// Where each column a model reads sits in a request, and the warnings a request sending these
/// columns gets. Checking a request's names (each given once, none of the model's inputs missing,
/// which extra ones to name) hashes every name several times; clients send the same columns in
/// the same order request after request, so ``InputTableBuilder`` works a plan out once and
/// reuses it while the next request's names are equal to it.
struct ColumnPlan: Sendable {
    /// The names the plan was made for, in the order sent.
    let columns: [String]
    /// For each of the spec's inputs, its position in ``columns``.
    let inputPositions: [Int]
    /// The position of the model's id column, when sent.
    let idPosition: Int?
    /// Columns the model does not read, named for the answer's `warnings`.
    let warnings: [String]

    /// Checks `sent` against `spec`: a name given twice, a missing input, and (under
    /// `strictColumns`) an extra column are a 400 naming them.
    init(sent: [String], spec: PreprocessingSpec, known: Set<String>, strictColumns: Bool) throws(HTTPAPIError) {
        var position = [String: Int](minimumCapacity: sent.count)
        for (k, name) in sent.enumerated() where position.updateValue(k, forKey: name) != nil {
            throw HTTPAPIError.badRequest("column '\(name)' is given twice")
        }
        let missing = spec.inputs.map(\.name).filter { position[$0] == nil }
        if !missing.isEmpty {
            throw HTTPAPIError.badRequest("missing input column\(missing.count == 1 ? "" : "s") \(Self.listed(missing)) (\(missing.count) of \(spec.inputs.count) the model needs)")
        }
        let extra = sent.filter { !known.contains($0) }
        var warnings: [String] = []
        if !extra.isEmpty {
            let list = Self.listed(extra)
            if strictColumns {
                throw HTTPAPIError.badRequest("column\(extra.count == 1 ? "" : "s") \(list) \(extra.count == 1 ? "is" : "are") not an input of the model (the server runs with --strict-columns)")
            }
            warnings.append("ignored column\(extra.count == 1 ? "" : "s") the model does not read: \(list)")
        }
        columns = sent
        inputPositions = spec.inputs.map { position[$0.name]! }   // none is missing (above)
        idPosition = spec.idColumn.flatMap { position[$0] }
        self.warnings = warnings
    }

    /// Up to ten names, quoted, for a message (`'a', 'b', …`).
    static func listed(_ names: [String]) -> String {
        names.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 10 ? ", …" : "")
    }
}
