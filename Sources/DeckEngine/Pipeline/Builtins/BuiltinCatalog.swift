/// The built-in steps (`uses:`) and the `with:` keys each accepts.
public enum BuiltinCatalog {
    /// A built-in's contract.
    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        /// Keys `with:` accepts.
        public var keys: [String]
        /// Keys `with:` must give.
        public var required: [String]
        /// Accepts any other key (passed through to XGBoost).
        public var passThrough: Bool
    }

    /// Keys of the `split` step.
    static let splitKeys = ["target", "features", "exclude", "test_size", "validation_size", "seed", "stratify", "time_column", "task",
                            "max_onehot", "keep_ids", "positive", "id"]
    /// Keys of the `xgboost` / `linear` steps MLDeck reads itself (others pass through to XGBoost).
    static let trainKeys = ["rounds", "num_boost_round", "n_estimators", "early_stopping_rounds", "objective", "eval_metric", "nthread", "n_jobs"]

    public static let entries: [Entry] = [
        Entry(name: "split", summary: "train / validation / test split (seeded; stratified for classification, or by a time column)",
              keys: splitKeys, required: ["target"], passThrough: false),
        Entry(name: "xgboost", summary: "gradient-boosted trees (binary:logistic, multi:softprob, reg:squarederror)",
              keys: trainKeys + XGBoostParameterNames.known, required: [], passThrough: false),
        Entry(name: "linear", summary: "logistic / linear regression through XGBoost's gblinear booster",
              keys: trainKeys + XGBoostParameterNames.known, required: [], passThrough: false),
        Entry(name: "evaluate", summary: "metrics on the test split (and the production version scored on the same rows)",
              keys: ["metrics", "model", "threshold", "split", "positive"], required: [], passThrough: false),
        Entry(name: "register", summary: "a new version of a named model in the registry",
              keys: ["model", "alias", "description"], required: ["model"], passThrough: false),
        Entry(name: "deploy", summary: "move the model's `production` alias to the version this run registered",
              keys: ["alias", "model"], required: [], passThrough: false),
    ]

    /// Built-in names.
    public static var names: [String] { entries.map(\.name) }

    /// The entry named `name`.
    public static func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }
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
