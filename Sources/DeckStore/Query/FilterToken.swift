/// A token of the filter language with its 1-based column.
struct FilterToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)      // dotted path parts already split: metrics.`a b` → ["metrics", "a b"]
        case path([String])
        case string(String)
        case number(Double, text: String)
        case op(String)              // = != <> < <= > >=
        case keyword(String)         // AND OR NOT LIKE ILIKE IN IS NULL TRUE FALSE (upper-cased)
        case leftParen, rightParen, comma, end
    }
    var kind: Kind
    var column: Int
    var length: Int

    var display: String {
        switch kind {
        case .identifier(let s): return s
        case .path(let parts): return parts.joined(separator: ".")
        case .string(let s): return "'\(s)'"
        case .number(_, let text): return text
        case .op(let o): return o
        case .keyword(let k): return k
        case .leftParen: return "("
        case .rightParen: return ")"
        case .comma: return ","
        case .end: return "end of expression"
        }
    }
}
