import DeckML

/// Finds the values of a table that a model's preprocessing would silently turn into missing
/// values: text in a numeric input and categories never seen in training. Missing cells are not
/// problems (the model was trained with them). Each distinct bad value is looked up once.
enum ScoringInputCheck {
    static func problems(_ table: DataTable, transformer: FeatureTransformer, rows: [Int]? = nil) -> [ScoringProblem] {
        var found: [ScoringProblem] = []
        let rowList = rows ?? Array(0..<table.rowCount)
        let inputs = transformer.spec.inputs
        // By index, not `for input in`: the loop variable was a copy of each input (three
        // retains and releases) per column of every request.
        for k in inputs.indices {
            guard let index = table.index(of: inputs[k].name, expectedAt: k) else { continue }  // a missing column is the transformer's error
            let column = table.columns[index]
            switch inputs[k].encoding {
            case .numeric:
                guard case .categorical(let codes, let categories) = column else { continue }
                let bad = categories.map { Double($0.trimmingCharacters(in: .whitespaces)) == nil }
                for row in rowList {
                    let code = codes[row]
                    if code >= 0 && bad[Int(code)] {
                        found.append(ScoringProblem(kind: .notANumber, column: inputs[k].name, row: row + 1, value: categories[Int(code)], known: nil))
                    }
                }
            case .onehot, .ordinal:
                switch column {
                case .categorical(let codes, let categories):
                    if categories.count == 1 {   // a single row (or one category): one look-up, no map
                        guard !transformer.knows(categories[0], input: k) else { continue }
                        for row in rowList where codes[row] >= 0 {
                            found.append(ScoringProblem(kind: .unseenCategory, column: inputs[k].name, row: row + 1, value: categories[0], known: inputs[k].categories))
                        }
                        continue
                    }
                    let unseen = categories.map { !transformer.knows($0, input: k) }
                    for row in rowList where codes[row] >= 0 && unseen[Int(codes[row])] {
                        found.append(ScoringProblem(kind: .unseenCategory, column: inputs[k].name, row: row + 1,
                                                    value: categories[Int(codes[row])], known: inputs[k].categories))
                    }
                case .numeric(let values):
                    for row in rowList where !values[row].isNaN {
                        let text = LabelText.number(values[row])
                        if !transformer.knows(text, input: k) {
                            found.append(ScoringProblem(kind: .unseenCategory, column: inputs[k].name, row: row + 1, value: text, known: inputs[k].categories))
                        }
                    }
                }
            }
        }
        return found.count < 2 ? found : found.sorted { ($0.row, $0.column) < ($1.row, $1.column) }
    }
}
