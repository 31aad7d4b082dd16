/// The built-in steps (`uses:`): the one place that names each built-in, its `with:` options
/// (type, default, allowed range, meaning), the keys it requires and the runner that executes it.
/// Validation (`PipelineValidator`), execution (`PipelineExecution.runner(for:)`),
/// `mldeck pipelines builtins` and the README's table all read this catalog.
public enum BuiltinCatalog {
    /// One `with:` option of a built-in.
    public struct Option: Sendable, Equatable {
        /// The type of value an option takes.
        public enum Kind: String, Sendable, Codable {
            case text, number, whole = "whole number", boolean, list = "list of text", textOrList = "text or list"
        }
        /// The key under `with:`.
        public var key: String
        public var kind: Kind
        /// The default as a user reads it: "42", "none", "(required)", "inferred".
        public var defaultText: String
        /// The allowed values of a numeric option (nil when not numeric).
        public var range: BuiltinOptionRanges.Range?
        /// One line: what the option does.
        public var summary: String
        /// Whether the step refuses to run without it.
        public var required: Bool

        public init(_ key: String, _ kind: Kind, default defaultText: String, range: BuiltinOptionRanges.Range? = nil,
                    required: Bool = false, _ summary: String) {
            self.key = key; self.kind = kind; self.defaultText = defaultText; self.range = range
            self.summary = summary; self.required = required
        }
    }

    /// A built-in's contract.
    public struct Entry: Sendable {
        public var name: String
        /// One line: what the step does.
        public var summary: String
        /// Every option `with:` accepts, in the order a reader meets them.
        public var options: [Option]
        /// Built-ins of which one must be upstream (directly or not), and how a user names them; nil when none.
        public var upstream: (kinds: [String], what: String)?
        /// Makes the runner that executes the step.
        let makeRunner: @Sendable () -> StepRunner

        /// Keys `with:` accepts.
        public var keys: [String] { options.map(\.key) }
        /// Keys `with:` must give.
        public var required: [String] { options.filter(\.required).map(\.key) }
        /// The option named `key`.
        public func option(_ key: String) -> Option? { options.first { $0.key == key } }
    }

    /// Keys of the `xgboost` / `linear` steps MLDeck reads itself (others pass through to XGBoost).
    static let trainKeys = trainOwnOptions.map(\.key)

    /// Options of the `xgboost` / `linear` steps that MLDeck reads itself.
    static let trainOwnOptions: [Option] = {
        let rounds = BuiltinOptionRanges.rounds, threads = BuiltinOptionRanges.threads
        return [
            Option("rounds", .whole, default: "params.rounds, else 100", range: rounds, "boosting rounds"),
            Option("num_boost_round", .whole, default: "params.rounds, else 100", range: rounds, "alias of rounds"),
            Option("n_estimators", .whole, default: "params.rounds, else 100", range: rounds, "alias of rounds"),
            Option("early_stopping_rounds", .whole, default: "off", range: rounds,
                   "stop when the validation metric has not improved for this many rounds"),
            Option("objective", .text, default: "from the task", "binary:logistic, multi:softprob or reg:squarederror"),
            Option("eval_metric", .textOrList, default: "from the task", "per-round curves; the last one drives early stopping"),
            Option("train_curve_rows", .whole, default: "10000", range: BuiltinOptionRanges.int32,
                   "the training curve is computed on this many evenly spaced training rows; 0 uses every row"),
            Option("train_curve_every", .whole, default: "1", range: .whole(0...100_000),
                   "evaluate the training curve every this many rounds (and the last); 0 turns it off"),
            Option("validation_curve_every", .whole, default: "1", range: rounds,
                   "evaluate the validation (or test) curve every this many rounds (and the last); 1 with early stopping"),
            Option("nthread", .whole, default: "the number of cores", range: threads, "training threads"),
            Option("n_jobs", .whole, default: "the number of cores", range: threads, "alias of nthread"),
        ]
    }()

    /// Options of the `xgboost` / `linear` steps: their own, then every XGBoost parameter (passed through).
    static let trainOptions: [Option] = trainOwnOptions + XGBoostParameterNames.known.map { key in
        let range = BuiltinOptionRanges.xgboost[key]
        let kind: Option.Kind
        switch range {
        case .whole?: kind = .whole
        case .number?: kind = .number
        case nil: kind = .text
        }
        let alias = XGBoostParameterNames.aliases[key].map { " (alias of \($0))" } ?? ""
        return Option(key, kind, default: "XGBoost's", range: range, "XGBoost 1.7 parameter" + alias)
    }

    public static let entries: [Entry] = [
        Entry(name: "split", summary: "train / validation / test split (seeded; stratified for classification, or by a time column)",
              options: [
                Option("target", .text, default: "(required)", required: true, "the column to predict"),
                Option("features", .textOrList, default: "all but the target and id-like columns", "the input columns exactly"),
                Option("exclude", .textOrList, default: "none", "columns to leave out"),
                Option("task", .text, default: "inferred", "binary, multiclass or regression"),
                Option("test_size", .number, default: "0.2", range: .number(lower: 0, upper: 1, includesUpper: false),
                       "share of rows for the test split"),
                Option("validation_size", .number, default: "0.1 with early stopping downstream, else 0",
                       range: .number(lower: 0, upper: 1, includesUpper: false), "share of rows held out for early stopping"),
                Option("seed", .whole, default: "42", range: .whole(0...Int.max), "the split's random seed"),
                Option("stratify", .boolean, default: "true for classification", "keep class shares equal across the parts"),
                Option("time_column", .text, default: "none", "split by time instead: oldest rows train, newest test"),
                Option("positive", .text, default: "the last label in sorted order", "a binary target's positive class"),
                Option("id", .text, default: "a column named like an id", "the column that names rows (never a feature)"),
                Option("max_onehot", .whole, default: "32", range: .whole(0...10_000),
                       "text columns with more values are encoded ordinally"),
                Option("keep_ids", .boolean, default: "false", "keep columns that look like row ids as features"),
              ], upstream: nil, makeRunner: { SplitStep() }),
        Entry(name: "xgboost", summary: "gradient-boosted trees (binary:logistic, multi:softprob, reg:squarederror)",
              options: trainOptions, upstream: (["split"], "a `split` step"), makeRunner: { TrainStep(linear: false) }),
        Entry(name: "linear", summary: "logistic / linear regression through XGBoost's gblinear booster",
              options: trainOptions, upstream: (["split"], "a `split` step"), makeRunner: { TrainStep(linear: true) }),
        Entry(name: "evaluate", summary: "metrics on the test split (and the production version scored on the same rows)",
              options: [
                Option("metrics", .textOrList, default: "every metric of the task", "auc, accuracy, precision, recall, f1, logloss; rmse, mae, r2, mape"),
                Option("model", .text, default: "the pipeline's register model", "whose production version is scored on the same rows"),
                Option("threshold", .number, default: "none", range: .number(lower: 0, upper: 1), "accepted; not read yet (the metrics use the model's own threshold)"),
                Option("split", .text, default: "test", "the part scored: test, validation or train"),
                Option("positive", .text, default: "the model's", "must equal the positive class the split step chose"),
              ], upstream: (["xgboost", "linear"], "an `xgboost` or `linear` step"), makeRunner: { EvaluateStep() }),
        Entry(name: "register", summary: "a new version of a named model in the registry",
              options: [
                Option("model", .text, default: "(required)", required: true, "the model's name in the registry"),
                Option("alias", .text, default: "none", "an alias to point at the new version (e.g. staging)"),
                Option("description", .text, default: "none", "kept with the version"),
              ], upstream: (["xgboost", "linear"], "an `xgboost` or `linear` step"), makeRunner: { RegisterStep() }),
        Entry(name: "select", summary: "pick a registered version for `deploy`: the best by a metric among those matching `where:`, or an alias's",
              options: [
                Option("model", .text, default: "(required)", required: true, "the model's name in the registry"),
                Option("best_by", .text, default: "none", "the metric to pick by (lower is better for loss, rmse, mae, …; higher for the rest)"),
                Option("where", .text, default: "every version", "a policy: metrics.X, params.X, tags.X, dataset ('churn' or 'churn@2'), version"),
                Option("alias", .text, default: "none", "pick the version this alias points at instead (not with best_by)"),
              ], upstream: nil, makeRunner: { SelectStep() }),
        Entry(name: "deploy", summary: "move the model's `production` alias to the version this run registered or selected",
              options: [
                Option("alias", .text, default: "production", "the alias moved to the version the upstream register or select step produced"),
                Option("model", .text, default: "the pipeline's register model", "accepted; the model moved is the one the upstream step produced"),
                Option("force", .boolean, default: "false", "deploy a selected version even when it is not better than the alias's current one"),
                Option("serve", .boolean, default: "false", "also start `mldeck serve MODEL@ALIAS` in the background when no server of it answers on `port`"),
                Option("port", .whole, default: "5005", range: .whole(1...65_535), "the port of the server that `serve: true` starts"),
                Option("host", .text, default: "127.0.0.1", "the address it listens on (any other than loopback needs MLDECK_SERVE_TOKEN)"),
              ], upstream: (["register", "select"], "a `register` or `select` step"), makeRunner: { DeployStep() }),
    ]

    /// Built-in names.
    public static var names: [String] { entries.map(\.name) }

    /// The entry named `name`.
    public static func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The runner of the built-in `name`; an unknown name is an error, never another step's runner.
    static func runner(_ name: String) throws -> StepRunner {
        guard let entry = entry(name) else { throw BuiltinCatalogError.unknownBuiltin(name, known: names) }
        return entry.makeRunner()
    }
}

/// Errors of the built-in catalog, written for the user.
public enum BuiltinCatalogError: Error, CustomStringConvertible, Equatable {
    /// `uses:` names no built-in.
    case unknownBuiltin(String, known: [String])

    public var description: String {
        switch self {
        case .unknownBuiltin(let name, let known):
            let hint = Suggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "unknown built-in '\(name)'\(hint); built-ins: \(known.joined(separator: ", ")) (or use `run:` for a command)"
        }
    }
}

/// XGBoost parameters accepted in `with:` of the `xgboost` / `linear` steps (1.7).
enum XGBoostParameterNames {
    static let known = [
        "eta", "learning_rate", "gamma", "min_split_loss", "max_depth", "min_child_weight", "max_delta_step", "subsample",
        "sampling_method", "colsample_bytree", "colsample_bylevel", "colsample_bynode", "lambda", "reg_lambda", "alpha",
        "reg_alpha", "tree_method", "sketch_eps", "scale_pos_weight", "updater", "refresh_leaf", "process_type", "grow_policy",
        "max_leaves", "max_bin", "predictor", "num_parallel_tree", "monotone_constraints", "interaction_constraints",
        "max_cat_to_onehot", "max_cat_threshold", "base_score", "seed", "random_state", "seed_per_iteration",
        "feature_selector", "top_k", "verbosity", "disable_default_eval_metric", "huber_slope", "tweedie_variance_power",
        "validate_parameters", "multi_strategy", "device", "gpu_id",
    ]
    /// Python-wrapper aliases mapped to XGBoost's names.
    static let aliases = ["learning_rate": "eta", "reg_lambda": "lambda", "reg_alpha": "alpha", "min_split_loss": "gamma", "random_state": "seed"]
}
