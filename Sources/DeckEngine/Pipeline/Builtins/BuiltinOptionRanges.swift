import DeckML
import Foundation

/// The allowed values of every numeric `with:` option of the built-in steps, checked by
/// `mldeck validate` and again when a step starts (after `${params.x}` is filled in), so a value
/// such as `rounds: 1e400` is refused with the step, the key and the range instead of trapping.
///
/// `register` takes no numeric options; `deploy` only `port` (for `serve: true`).
public enum BuiltinOptionRanges {
    /// What a numeric option accepts.
    public enum Range: Sendable, Equatable {
        /// A whole number within the bounds.
        case whole(ClosedRange<Int>)
        /// A finite number between `lower` and `upper`, each bound included or not.
        case number(lower: Double, upper: Double, includesLower: Bool = true, includesUpper: Bool = true)

        /// A number of at least zero.
        static let nonNegative = Range.number(lower: 0, upper: .greatestFiniteMagnitude)
        /// A fraction in (0, 1].
        static let positiveFraction = Range.number(lower: 0, upper: 1, includesLower: false)

        /// "a whole number from 1 to 100000", "a number from 0 to 1 (1 excluded)", …
        public var expected: String {
            switch self {
            case .whole(let r): return "a whole number from \(r.lowerBound) to \(r.upperBound)"
            case .number(let lower, let upper, let includesLower, let includesUpper):
                if upper == .greatestFiniteMagnitude { return includesLower ? "a number of at least \(Self.text(lower))" : "a number above \(Self.text(lower))" }
                if lower == -.greatestFiniteMagnitude { return "a finite number" }
                let excluded = [includesLower ? nil : Self.text(lower), includesUpper ? nil : Self.text(upper)].compactMap { $0 }
                return "a number from \(Self.text(lower)) to \(Self.text(upper))" + (excluded.isEmpty ? "" : " (\(excluded.joined(separator: " and ")) excluded)")
            }
        }

        static func text(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }

        /// Whether `text` is allowed.
        public func accepts(_ text: String) -> Bool {
            switch self {
            case .whole(let r): return CheckedInteger.parse(text).map(r.contains) ?? false
            case .number(let lower, let upper, let includesLower, let includesUpper):
                guard let x = Double(text.trimmingCharacters(in: .whitespaces)), x.isFinite else { return false }
                return (includesLower ? x >= lower : x > lower) && (includesUpper ? x <= upper : x < upper)
            }
        }
    }

    static let rounds = Range.whole(1...100_000)
    static let threads = Range.whole(1...1_024)
    static let anyNumber = Range.number(lower: -.greatestFiniteMagnitude, upper: .greatestFiniteMagnitude)
    static let int32 = Range.whole(0...Int(Int32.max))

    /// XGBoost parameters of the `xgboost` and `linear` steps that take numbers (the steps' own
    /// options carry their ranges in ``BuiltinCatalog``).
    static let xgboost: [String: Range] = [
        "eta": .number(lower: 0, upper: 1), "learning_rate": .number(lower: 0, upper: 1),
        "gamma": .nonNegative, "min_split_loss": .nonNegative, "max_depth": .whole(0...1_000),
        "min_child_weight": .nonNegative, "max_delta_step": .nonNegative,
        "subsample": .positiveFraction, "colsample_bytree": .positiveFraction, "colsample_bylevel": .positiveFraction,
        "colsample_bynode": .positiveFraction, "lambda": .nonNegative, "reg_lambda": .nonNegative,
        "alpha": .nonNegative, "reg_alpha": .nonNegative,
        "sketch_eps": .number(lower: 0, upper: 1, includesLower: false, includesUpper: false),
        "scale_pos_weight": .nonNegative, "max_leaves": int32, "max_bin": .whole(2...65_536),
        "num_parallel_tree": .whole(1...1_000), "max_cat_to_onehot": .whole(1...Int(Int32.max)),
        "max_cat_threshold": .whole(1...Int(Int32.max)), "base_score": anyNumber,
        "seed": int32, "random_state": int32, "top_k": int32, "verbosity": .whole(0...3),
        "refresh_leaf": .whole(0...1), "gpu_id": .whole(-1...1_024),
        "huber_slope": .number(lower: 0, upper: .greatestFiniteMagnitude, includesLower: false),
        "tweedie_variance_power": .number(lower: 1, upper: 2, includesLower: false, includesUpper: false),
    ]

    /// Numeric options by built-in, read from ``BuiltinCatalog``.
    public static let byBuiltin: [String: [String: Range]] = Dictionary(uniqueKeysWithValues: BuiltinCatalog.entries.map { entry in
        (entry.name, Dictionary(entry.options.compactMap { o in o.range.map { (o.key, $0) } }, uniquingKeysWith: { first, _ in first }))
    })

    /// The range of `key` of the built-in `builtin`; nil when the option is not numeric.
    public static func range(builtin: String, key: String) -> Range? { byBuiltin[builtin]?[key] }

    /// The first numeric option of a built-in step out of its range once `${params.x}` is filled
    /// in, as "step 'NAME': with.KEY: expected …, found '…'"; nil when all are fine.
    static func firstProblem(step: StepSpec, arguments: [(key: String, value: ConfigValue)]) -> String? {
        guard case .builtin(let name) = step.action else { return nil }
        for (key, value) in arguments {
            if let problem = problem(builtin: name, key: key, value: value) { return "step '\(step.name)': with.\(key): \(problem)" }
        }
        return nil
    }

    /// What is wrong with `value` given for `key` of `builtin` (nil when it is fine or not numeric).
    /// A value that still holds `${…}` is left to the interpolation check.
    public static func problem(builtin: String, key: String, value: ConfigValue) -> String? {
        guard let range = range(builtin: builtin, key: key) else { return nil }
        guard let text = value.text else { return "expected \(range.expected), found \(value.brief)" }
        if text.contains("${") { return nil }
        return range.accepts(text) ? nil : "expected \(range.expected), found '\(text)'"
    }
}
