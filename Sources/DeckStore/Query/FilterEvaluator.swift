import Foundation

/// Supplies field values to ``FilterEvaluator`` (a run's metrics and params, a pipeline's state).
public protocol FilterContext {
    /// The value of `field`, or nil when it is not set.
    func value(of field: FilterField) -> FilterValue?
}

/// Evaluates a filter in memory with SQL's three-valued logic: a comparison with a missing value
/// is unknown, `NOT unknown` is unknown, and unknown counts as false at the top. Pipeline `if:`
/// conditions use ``missingIsTrue`` so that comparisons with an absent `production.…` hold.
public struct FilterEvaluator {
    /// Fields for which a missing value makes a comparison true rather than unknown.
    public var missingIsTrue: (FilterField) -> Bool

    public init(missingIsTrue: @escaping (FilterField) -> Bool = { _ in false }) {
        self.missingIsTrue = missingIsTrue
    }

    /// True when the expression holds.
    public func evaluate(_ expression: FilterExpression, in context: FilterContext) -> Bool {
        truth(expression, context) == true
    }

    func truth(_ e: FilterExpression, _ ctx: FilterContext) -> Bool? {
        switch e {
        case .and(let a, let b):
            let l = truth(a, ctx), r = truth(b, ctx)
            if l == false || r == false { return false }
            return l == true && r == true ? true : nil
        case .or(let a, let b):
            let l = truth(a, ctx), r = truth(b, ctx)
            if l == true || r == true { return true }
            return l == false && r == false ? false : nil
        case .not(let inner):
            return truth(inner, ctx).map { !$0 }
        case .compare(let field, let op, let literal):
            guard let value = ctx.value(of: field) else { return missingIsTrue(field) ? true : nil }
            return Self.compare(value, op, literal)
        case .compareFields(let left, let op, let right):
            guard let a = ctx.value(of: left), let b = ctx.value(of: right) else {
                return missingIsTrue(left) || missingIsTrue(right) ? true : nil
            }
            return Self.compare(a, op, b)
        case .isIn(let field, let list, let negated):
            guard let value = ctx.value(of: field) else { return missingIsTrue(field) ? true : nil }
            let found = list.contains { Self.compare(value, .equal, $0) == true }
            return negated ? !found : found
        case .isNull(let field, let negated):
            let missing = ctx.value(of: field) == nil
            return negated ? !missing : missing
        case .truthy(let field):
            switch ctx.value(of: field) {
            case .bool(let b)?: return b
            case .number(let n)?: return n != 0
            case .string(let s)?: return !s.isEmpty && s.lowercased() != "false"
            case nil: return missingIsTrue(field) ? true : nil
            }
        }
    }

    static func number(_ v: FilterValue) -> Double? {
        switch v {
        case .number(let n): return n
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        case .bool(let b): return b ? 1 : 0
        }
    }

    static func text(_ v: FilterValue) -> String {
        switch v {
        case .number(let n): return FilterValue.number(n).description
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        }
    }

    static func compare(_ value: FilterValue, _ op: FilterOperator, _ literal: FilterValue) -> Bool? {
        switch op {
        case .like: return LikePattern.matches(text(value), pattern: text(literal), caseInsensitive: false)
        case .ilike: return LikePattern.matches(text(value), pattern: text(literal), caseInsensitive: true)
        case .notLike: return !LikePattern.matches(text(value), pattern: text(literal), caseInsensitive: false)
        case .notILike: return !LikePattern.matches(text(value), pattern: text(literal), caseInsensitive: true)
        default: break
        }
        let ordering: Int
        if case .string(let s) = literal {
            let t = text(value)
            ordering = t == s ? 0 : (t < s ? -1 : 1)
        } else {
            guard let a = number(value), let b = number(literal), !a.isNaN, !b.isNaN else { return nil }
            ordering = a == b ? 0 : (a < b ? -1 : 1)
        }
        switch op {
        case .equal: return ordering == 0
        case .notEqual: return ordering != 0
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        case .greaterOrEqual: return ordering >= 0
        default: return nil
        }
    }
}
