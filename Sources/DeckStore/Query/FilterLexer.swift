/// Splits a filter expression into tokens. Identifiers are dotted paths whose parts may be
/// quoted with backticks or double quotes (`metrics."val loss"`), as in MLflow.
struct FilterLexer {
    static let keywords: Set<String> = ["AND", "OR", "NOT", "LIKE", "ILIKE", "IN", "IS", "NULL", "TRUE", "FALSE"]

    let source: String

    func tokens() throws -> [FilterToken] {
        let chars = Array(source)
        var i = 0
        var out: [FilterToken] = []
        func fail(_ message: String, _ at: Int) -> FilterError { FilterError(message, column: at + 1, expression: source) }
        func isIdentChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" || c == "/" || c == ":" }

        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            switch c {
            case "(": out.append(.init(kind: .leftParen, column: i + 1, length: 1)); i += 1
            case ")": out.append(.init(kind: .rightParen, column: i + 1, length: 1)); i += 1
            case ",": out.append(.init(kind: .comma, column: i + 1, length: 1)); i += 1
            case "=": out.append(.init(kind: .op("="), column: i + 1, length: 1)); i += 1
                if i < chars.count && chars[i] == "=" { i += 1 }  // accept ==
            case "!":
                guard i + 1 < chars.count, chars[i + 1] == "=" else { throw fail("'!' must be followed by '=' (use != or NOT)", i) }
                out.append(.init(kind: .op("!="), column: i + 1, length: 2)); i += 2
            case "<", ">":
                var op = String(c); i += 1
                if i < chars.count, chars[i] == "=" || (c == "<" && chars[i] == ">") { op.append(chars[i]); i += 1 }
                out.append(.init(kind: .op(op == "<>" ? "!=" : op), column: start + 1, length: op.count))
            case "'":
                i += 1
                var text = ""
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" { text.append("'"); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    if chars[i] == "\\" && i + 1 < chars.count { text.append(chars[i + 1]); i += 2; continue }
                    text.append(chars[i]); i += 1
                }
                guard closed else { throw fail("unterminated string (missing closing ')", start) }
                out.append(.init(kind: .string(text), column: start + 1, length: i - start))
            case _ where c.isNumber || ((c == "-" || c == "+" || c == ".") && i + 1 < chars.count && (chars[i + 1].isNumber || chars[i + 1] == ".")):
                i += 1
                while i < chars.count, chars[i].isNumber || chars[i] == "." || chars[i] == "e" || chars[i] == "E"
                        || ((chars[i] == "-" || chars[i] == "+") && (chars[i - 1] == "e" || chars[i - 1] == "E")) { i += 1 }
                let text = String(chars[start..<i])
                guard let value = Double(text) else { throw fail("'\(text)' is not a number", start) }
                guard value.isFinite else {
                    throw fail("'\(text)' is too large a number: numbers in a filter must lie within ±1.7e308", start)
                }
                out.append(.init(kind: .number(value, text: text), column: start + 1, length: i - start))
            case _ where isIdentChar(c) || c == "`" || c == "\"":
                var parts: [String] = []
                var quotedAny = false
                while true {
                    guard i < chars.count else { throw fail("expected a name after '.'", i) }
                    if chars[i] == "`" || chars[i] == "\"" {
                        let quote = chars[i]; let partStart = i; i += 1
                        var text = ""
                        while i < chars.count && chars[i] != quote { text.append(chars[i]); i += 1 }
                        guard i < chars.count else { throw fail("unterminated quoted name (missing closing \(quote))", partStart) }
                        i += 1; parts.append(text); quotedAny = true
                    } else {
                        let partStart = i
                        while i < chars.count && isIdentChar(chars[i]) { i += 1 }
                        guard i > partStart else { throw fail("expected a name", i) }
                        parts.append(String(chars[partStart..<i]))
                    }
                    if i < chars.count && chars[i] == "." { i += 1; continue }
                    break
                }
                if parts.count == 1, chars[start] == "\"" {
                    // A lone double-quoted word is a string value, as MLflow accepts: tags.x = "a".
                    out.append(.init(kind: .string(parts[0]), column: start + 1, length: i - start))
                } else if parts.count == 1, !quotedAny, Self.keywords.contains(parts[0].uppercased()) {
                    out.append(.init(kind: .keyword(parts[0].uppercased()), column: start + 1, length: i - start))
                } else if parts.count == 1 && !quotedAny {
                    out.append(.init(kind: .identifier(parts[0]), column: start + 1, length: i - start))
                } else {
                    out.append(.init(kind: .path(parts), column: start + 1, length: i - start))
                }
            default:
                throw fail("unexpected character '\(c)'", i)
            }
        }
        out.append(.init(kind: .end, column: chars.count + 1, length: 0))
        return out
    }
}
