import Foundation
import GRDB

/// SQL functions MLDeck adds to every connection.
enum SQLFunctions {
    /// `mldeck_num(text)`: the number a text holds, or NULL when it holds none (so that
    /// `params.depth > 4` skips runs whose depth is not a number instead of reading it as 0).
    static let number = DatabaseFunction("mldeck_num", argumentCount: 1, pure: true) { values in
        switch values[0].storage {
        case .double(let d): return d
        case .int64(let i): return Double(i)
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }
}
