/// Recursive-descent parser for filter expressions:
///
///     expr    := and (OR and)*
///     and     := not (AND not)*
///     not     := NOT not | primary
///     primary := '(' expr ')' | field op value | field [NOT] IN (values) | field [NOT] LIKE|ILIKE string
///              | field IS [NOT] NULL | field
///
/// Filters come from users (`--filter`, `if:`, the dashboard's `/`), so the parser bounds its
/// work: a filter longer than ``maxLength`` characters or nesting parentheses and `NOT`s deeper
/// than ``maxDepth`` levels is refused with the column where the limit was passed, and chains of
/// `AND` / `OR` become balanced trees, so no later recursion over the tree is deeper than
/// the nesting plus log₂ of the chain's length.
struct FilterParser {
    /// The most nested parentheses and `NOT`s a filter may have.
    static let maxDepth = 64
    /// The longest filter accepted, in characters.
    static let maxLength = 262_144

    let source: String
    /// The attributes that may be written bare (`status`); ``FilterField/attributes`` for runs.
    var attributes: Set<String> = FilterField.attributes

    func parse() throws -> FilterExpression {
        guard !source.allSatisfy(\.isWhitespace) else { throw FilterError("empty filter", column: 1, expression: source) }
        let length = source.count
        guard length <= Self.maxLength else {
            throw FilterError("the filter is \(length) characters long; the limit is \(Self.maxLength)",
                              column: Self.maxLength + 1, expression: source)
        }
        var state = State(tokens: try FilterLexer(source: source).tokens(), source: source, attributes: attributes)
        let expression = try state.parseOr()
        guard case .end = state.peek.kind else {
            throw state.error("unexpected \(state.peek.display) (expected AND, OR or the end)", at: state.peek)
        }
        return expression
    }

    /// `operands` joined by `join` as a balanced tree (left-deep for two or three operands, as written).
    static func balanced(_ operands: ArraySlice<FilterExpression>, _ join: (FilterExpression, FilterExpression) -> FilterExpression) -> FilterExpression {
        if operands.count == 1, let only = operands.first { return only }
        let middle = operands.startIndex + (operands.count + 1) / 2
        return join(balanced(operands[..<middle], join), balanced(operands[middle...], join))
    }

    struct State {
        var tokens: [FilterToken]
        let source: String
        let attributes: Set<String>
        var index = 0
        /// Parentheses and `NOT`s open around the current token.
        var depth = 0

        var peek: FilterToken { tokens[index] }
        mutating func next() -> FilterToken { defer { index += 1 }; return tokens[index] }
        func error(_ message: String, at token: FilterToken) -> FilterError {
            FilterError(message, column: token.column, expression: source)
        }
        func isKeyword(_ word: String) -> Bool { if case .keyword(word) = peek.kind { return true }; return false }

        /// Enters one more level of nesting at `token`, refusing to pass ``FilterParser/maxDepth``.
        mutating func enter(_ token: FilterToken) throws {
            depth += 1
            guard depth <= FilterParser.maxDepth else {
                throw error("filter nests deeper than \(FilterParser.maxDepth) levels at column \(token.column) (parentheses and NOTs)", at: token)
            }
        }

        mutating func parseOr() throws -> FilterExpression {
            var operands = [try parseAnd()]
            while isKeyword("OR") { _ = next(); operands.append(try parseAnd()) }
            return FilterParser.balanced(operands[...]) { .or($0, $1) }
        }

        mutating func parseAnd() throws -> FilterExpression {
            var operands = [try parseNot()]
            while isKeyword("AND") { _ = next(); operands.append(try parseNot()) }
            return FilterParser.balanced(operands[...]) { .and($0, $1) }
        }

        /// `NOT NOT … primary`, read without recursion; each NOT is a level of nesting.
        mutating func parseNot() throws -> FilterExpression {
            let outer = depth
            var nots = 0
            while isKeyword("NOT") { try enter(next()); nots += 1 }
            var expression = try parsePrimary()
            for _ in 0..<nots { expression = .not(expression) }
            depth = outer
            return expression
        }

        mutating func parsePrimary() throws -> FilterExpression {
            let token = next()
            switch token.kind {
            case .leftParen:
                try enter(token)
                let inner = try parseOr()
                guard case .rightParen = peek.kind else { throw error("expected ')' to close the '(' at column \(token.column)", at: peek) }
                _ = next()
                depth -= 1
                return inner
            case .identifier, .path:
                let field = try fieldOf(token)
                return try parseCondition(on: field, fieldToken: token)
            case .end:
                throw error("expected a condition such as metrics.auc > 0.9", at: token)
            default:
                throw error("expected a field (metrics.X, params.X, tags.X or an attribute) but found \(token.display)", at: token)
            }
        }

        func fieldOf(_ token: FilterToken) throws -> FilterField {
            var parts: [String]
            switch token.kind {
            case .identifier(let name): parts = [name]
            case .path(let p): parts = p
            default: throw error("expected a field", at: token)
            }
            if parts.count == 1 {
                let name = parts[0].lowercased()
                guard attributes.contains(name) else {
                    throw error("unknown field '\(parts[0])': use metrics.\(parts[0]), params.\(parts[0]), tags.\(parts[0]) or an attribute (\(attributes.sorted().joined(separator: ", ")))", at: token)
                }
                return FilterField(namespace: "attributes", name: name, column: token.column)
            }
            // `production.metrics.auc`, `production.exists`: a model alias scope in pipeline conditions.
            var prefix: [String] = []
            if parts.count > 1, ["production", "candidate"].contains(parts[0].lowercased()) {
                prefix.append(parts.removeFirst().lowercased())
            }
            if parts.count == 1 { return FilterField(namespace: prefix.joined(separator: "."), name: parts[0].lowercased(), column: token.column) }
            guard let namespace = FilterField.namespaceAliases[parts[0].lowercased()] else {
                throw error("unknown namespace '\(parts[0])' (expected metrics, params, tags or attributes)", at: token)
            }
            let name = parts.dropFirst().joined(separator: ".")
            if namespace == "attributes" && !attributes.contains(name.lowercased()) {
                throw error("unknown attribute '\(name)' (known: \(attributes.sorted().joined(separator: ", ")))", at: token)
            }
            let full = (prefix + [namespace]).joined(separator: ".")
            return FilterField(namespace: full, name: namespace == "attributes" ? name.lowercased() : name, column: token.column)
        }

        mutating func parseCondition(on field: FilterField, fieldToken: FilterToken) throws -> FilterExpression {
            var field = field
            let token = peek
            switch token.kind {
            case .op(let symbol):
                _ = next()
                guard let op = FilterOperator(rawValue: symbol) else { throw error("unknown operator '\(symbol)'", at: token) }
                if case .path = peek.kind {
                    return .compareFields(field, op, try fieldOf(next()))
                }
                if case .identifier(let word) = peek.kind, attributes.contains(word.lowercased()) {
                    return .compareFields(field, op, try fieldOf(next()))
                }
                field.valueColumns = [peek.column]
                let value = try parseValue(after: token)
                return .compare(field, op, value)
            case .keyword("NOT"):
                _ = next()
                if isKeyword("IN") {
                    _ = next()
                    let values = try parseList(columns: &field.valueColumns)
                    return .isIn(field, values, negated: true)
                }
                if isKeyword("LIKE") || isKeyword("ILIKE") {
                    let kind = next()
                    field.valueColumns = [peek.column]
                    let pattern = try parseString(after: kind)
                    return .compare(field, kind.kind == .keyword("LIKE") ? .notLike : .notILike, pattern)
                }
                throw error("expected IN, LIKE or ILIKE after NOT", at: peek)
            case .keyword("IN"):
                _ = next()
                let values = try parseList(columns: &field.valueColumns)
                return .isIn(field, values, negated: false)
            case .keyword("LIKE"), .keyword("ILIKE"):
                _ = next()
                field.valueColumns = [peek.column]
                let pattern = try parseString(after: token)
                return .compare(field, token.kind == .keyword("LIKE") ? .like : .ilike, pattern)
            case .keyword("IS"):
                _ = next()
                var negated = false
                if isKeyword("NOT") { _ = next(); negated = true }
                guard isKeyword("NULL") else { throw error("expected NULL after IS", at: peek) }
                _ = next()
                return .isNull(field, negated: negated)
            default:
                return .truthy(field)
            }
        }

        mutating func parseValue(after op: FilterToken) throws -> FilterValue {
            let token = next()
            switch token.kind {
            case .string(let s): return .string(s)
            case .number(let n, _): return .number(n)
            case .keyword("TRUE"): return .bool(true)
            case .keyword("FALSE"): return .bool(false)
            case .identifier(let word):
                throw error("expected a value after '\(op.display)' but found '\(word)' (quote text values: '\(word)')", at: token)
            default:
                throw error("expected a value after '\(op.display)' but found \(token.display)", at: token)
            }
        }

        mutating func parseString(after keyword: FilterToken) throws -> FilterValue {
            let token = next()
            guard case .string(let s) = token.kind else {
                throw error("\(keyword.display) needs a quoted pattern such as '%xgb%' but found \(token.display)", at: token)
            }
            return .string(s)
        }

        /// The values of an `IN` list; `columns` receives the column of each.
        mutating func parseList(columns: inout [Int]) throws -> [FilterValue] {
            let open = next()
            guard case .leftParen = open.kind else { throw error("IN needs a list in parentheses, such as ('a', 'b')", at: open) }
            var values: [FilterValue] = []
            while true {
                columns.append(peek.column)
                values.append(try parseValue(after: open))
                let token = next()
                if case .comma = token.kind { continue }
                if case .rightParen = token.kind { break }
                throw error("expected ',' or ')' in the IN list but found \(token.display)", at: token)
            }
            return values
        }
    }
}
