import DeckML
import Foundation

/// Errors in the sweep options of `mldeck run` (`--sweep`, `--trials`, `--param-range`,
/// `--seed`, `--register`), each naming the option and key at fault and how to write it.
public enum SweepError: Error, CustomStringConvertible, Equatable {
    /// An option's text does not have its shape.
    case malformed(option: String, text: String, expected: String)
    /// A bound of a range is not a usable number.
    case badBound(key: String, text: String, why: String)
    /// The low bound is not below the high bound.
    case emptyRange(key: String, low: String, high: String)
    /// The third part of a range is not a known distribution.
    case unknownScale(key: String, scale: String)
    /// A key is given twice (in `--sweep` and/or `--param-range`).
    case duplicateKey(String)
    /// `--trials` is missing, or given without anything to sample.
    case trials(String)
    /// A swept param is not a param of the pipeline.
    case unknownParam(key: String, option: String, pipeline: String, known: [String])

    public var description: String {
        switch self {
        case .malformed(let option, let text, let expected): return "\(option) '\(text)': expected \(expected)"
        case .badBound(let key, let text, let why): return "--param-range \(key): '\(text)' \(why)"
        case .emptyRange(let key, let low, let high):
            return "--param-range \(key): the low bound \(low) must be below the high bound \(high) (write \(key)=LOW:HIGH)"
        case .unknownScale(let key, let scale):
            return "--param-range \(key): unknown distribution '\(scale)'; use uniform (the default), log or int (e.g. \(key)=0.01:0.3:log)"
        case .duplicateKey(let key): return "param '\(key)' is swept twice; give it once, in --sweep or in --param-range"
        case .trials(let message): return message
        case .unknownParam(let key, let option, let pipeline, let known):
            let hint = Suggestion.closest(to: key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "\(option) \(key): pipeline '\(pipeline)' has no param '\(key)'\(hint)"
                + (known.isEmpty ? "; it declares none (add it under params:)" : "; params: \(known.joined(separator: ", "))")
        }
    }
}

/// One param sampled at random: `NAME=LOW:HIGH[:uniform|log|int]`.
///
/// `uniform` (the default) draws a real number in [LOW, HIGH]; `log` draws one whose logarithm is
/// uniform (LOW > 0; for learning rates and regularisation); `int` draws a whole number in
/// [LOW, HIGH], both ends included (LOW and HIGH must be whole numbers).
public struct ParamRange: Sendable, Equatable {
    /// How a value is drawn from the range.
    public enum Scale: String, Sendable, CaseIterable { case uniform, log, int }

    public var name: String
    public var low: Double
    public var high: Double
    public var scale: Scale

    public init(name: String, low: Double, high: Double, scale: Scale) {
        self.name = name; self.low = low; self.high = high; self.scale = scale
    }

    /// The largest whole-number bound accepted (values stay exact as doubles).
    static let integerLimit: Int64 = 1 << 52

    /// Parses `NAME=LOW:HIGH[:SCALE]`.
    public static func parse(_ text: String) throws -> ParamRange {
        let shape = "NAME=LOW:HIGH[:uniform|log|int], e.g. eta=0.01:0.3:log or max_depth=3:10:int"
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw SweepError.malformed(option: "--param-range", text: text, expected: shape)
        }
        let name = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        let parts = text[text.index(after: eq)...].split(separator: ":", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !name.isEmpty, parts.count == 2 || parts.count == 3 else {
            throw SweepError.malformed(option: "--param-range", text: text, expected: shape)
        }
        let scaleText = parts.count == 3 ? parts[2].lowercased() : "uniform"
        guard let scale = Scale(rawValue: scaleText) else { throw SweepError.unknownScale(key: name, scale: parts[2]) }
        func bound(_ s: String) throws -> Double {
            if scale == .int {
                guard let n = Int64(s) else { throw SweepError.badBound(key: name, text: s, why: "is not a whole number (an int range takes whole bounds, e.g. \(name)=3:10:int)") }
                guard abs(n) <= integerLimit else { throw SweepError.badBound(key: name, text: s, why: "is too large (at most \(integerLimit) in size)") }
                return Double(n)
            }
            guard let d = Double(s) else { throw SweepError.badBound(key: name, text: s, why: "is not a number") }
            guard d.isFinite, abs(d) < 1e300 else { throw SweepError.badBound(key: name, text: s, why: "is not a finite number") }
            return d
        }
        let low = try bound(parts[0]), high = try bound(parts[1])
        guard low < high else { throw SweepError.emptyRange(key: name, low: parts[0], high: parts[1]) }
        if scale == .log && low <= 0 {
            throw SweepError.badBound(key: name, text: parts[0], why: "must be above 0 for a log range (log-uniform needs positive bounds)")
        }
        return ParamRange(name: name, low: low, high: high, scale: scale)
    }

    /// The value for a uniform number `u` in [0, 1), as the text of a param.
    public func value(at u: Double) -> String {
        switch scale {
        case .int:
            let span = high - low + 1
            let offset = Swift.min((u * span).rounded(.down), span - 1)
            return String(Int64(low + offset))
        case .uniform: return Self.format(low + u * (high - low), within: low...high)
        case .log: return Self.format(Foundation.exp(Foundation.log(low) + u * (Foundation.log(high) - Foundation.log(low))), within: low...high)
        }
    }

    /// Six significant digits, kept inside the range.
    static func format(_ x: Double, within range: ClosedRange<Double>) -> String {
        let clamped = Swift.min(Swift.max(x, range.lowerBound), range.upperBound)
        let text = String(format: "%.6g", clamped)
        guard let back = Double(text), range.contains(back) else { return String(clamped) }
        return text
    }

    /// The option text that gives this range back.
    public var text: String {
        func n(_ d: Double) -> String { scale == .int ? String(Int64(d)) : String(d) }
        return "\(name)=\(n(low)):\(n(high))" + (scale == .uniform ? "" : ":\(scale.rawValue)")
    }
}

/// The trials of a random search: `--trials N` draws from every `--param-range` and picks one of
/// the values of every `--sweep` axis, seeded by `--seed`.
public enum SweepSampler {
    /// The seed used when `--seed` is not given (recorded with the sweep).
    public static let defaultSeed: UInt64 = 42
    /// The most trials one sweep may have.
    public static let maxTrials = 10_000

    /// `trials` param sets, the same for the same seed and options.
    public static func sample(ranges: [ParamRange], choices: [PipelineSweep.Axis], trials: Int, seed: UInt64) -> [[String: String]] {
        var rng = SplitMix64(seed: seed)  // DeckML's: the same sequence for a seed on every machine
        return (0..<max(0, trials)).map { _ in
            var combo: [String: String] = [:]
            for range in ranges { combo[range.name] = range.value(at: rng.nextUnit()) }
            for axis in choices where !axis.values.isEmpty {
                combo[axis.name] = axis.values[rng.nextIndex(below: axis.values.count)]
            }
            return combo
        }
    }
}
