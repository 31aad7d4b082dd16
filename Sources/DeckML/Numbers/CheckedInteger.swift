import Foundation

/// Conversions of outside numbers (option values, parsed text, stored times) to integers that
/// never trap: Swift's `Int(someDouble)` stops the process on infinity, NaN or a value beyond
/// `Int`'s range.
public enum CheckedInteger {
    /// `text` as a whole number: digits with an optional sign, or a number whose value is whole
    /// (`1e3`, `6.0`). Nil for fractions, `inf`, `nan`, text that is not a number, and values
    /// beyond `Int`'s range (`99999999999999999999`, `1e400`).
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(trimmed) { return n }
        guard let value = Double(trimmed) else { return nil }
        return Int(exactly: value)
    }

    /// `value` rounded toward zero and clamped into `Int`'s range; `nan` for NaN.
    public static func clamped(_ value: Double, nan: Int = 0) -> Int {
        if value.isNaN { return nan }
        if value >= 9_223_372_036_854_775_807.0 { return .max }   // 2^63: the nearest Double above Int.max
        if value <= -9_223_372_036_854_775_808.0 { return .min }
        return Int(value)
    }

    /// `text` as a whole number within `range`; the error names `key` and the range.
    public static func parse(_ text: String, key: String, in range: ClosedRange<Int>) throws(NumberRangeError) -> Int {
        guard let n = parse(text), range.contains(n) else {
            throw NumberRangeError(key: key, text: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}

/// A number given for `key` that is not of the expected kind or outside its range.
public struct NumberRangeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The option, such as `with.rounds` or `params.rounds`.
    public var key: String
    /// The text as given.
    public var text: String
    /// What is allowed, such as "a whole number from 1 to 100000".
    public var expected: String

    public init(key: String, text: String, expected: String) { self.key = key; self.text = text; self.expected = expected }

    public var description: String { "\(key): expected \(expected), found '\(text)'" }
}
