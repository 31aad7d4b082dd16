import DeckML
import DeckStore

/// The model's input columns of a scored table as the prediction log keeps them: numbers as
/// numbers, categories as their text (nil for a missing value). The endpoint's log and the demo's
/// logged window both take them from here, so the monitor reads one shape.
public enum LoggedInputs {
    /// The columns of `table` named by `inputs`, in the inputs' order; an input the table lacks is left out.
    public static func columns(of table: DataTable, inputs: [InputColumn]) -> [LoggedColumn] {
        var columns: [LoggedColumn] = []
        columns.reserveCapacity(inputs.count)
        for k in inputs.indices {   // by index: `for input in` copied each input per request
            guard let index = table.index(of: inputs[k].name, expectedAt: k) else { continue }
            let column = table.columns[index]
            switch column {
            case .numeric(let v): columns.append(LoggedColumn(name: inputs[k].name, values: .numbers(v)))
            case .categorical(let codes, let categories):
                columns.append(LoggedColumn(name: inputs[k].name, values: .text(codes.map { $0 < 0 ? nil : categories[Int($0)] })))
            }
        }
        return columns
    }
}
