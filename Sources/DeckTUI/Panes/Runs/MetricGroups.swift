/// Groups a run's metric keys so that training and validation curves of one measure are drawn
/// together: `train-auc` / `valid-auc`, `train_loss` / `val_loss`, `validation_0-logloss`,
/// `loss/train` / `loss/validation`. Keys without a split word form a group of their own.
public enum MetricGroups {
    /// Words that name a data split.
    static let splitWords: Set<String> = ["train", "training", "valid", "validation", "val", "eval", "test", "holdout", "dev"]
    static let separators: Set<Character> = ["-", "_", ".", "/", ":"]

    /// A group: the measure's name (`auc`) and its keys, training first.
    public struct Group: Sendable, Equatable {
        public var name: String
        public var keys: [String]
    }

    /// The measure a key belongs to, and its split word when it has one.
    public static func split(_ key: String) -> (measure: String, split: String?) {
        // Tokens with their separators, so the measure keeps its own spelling.
        var tokens: [String] = []
        var current = ""
        for ch in key {
            if separators.contains(ch) { tokens.append(current); current = "" } else { current.append(ch) }
        }
        tokens.append(current)
        guard tokens.count > 1 else { return (key, nil) }
        func isSplit(_ t: String) -> Bool {
            let l = t.lowercased()
            if splitWords.contains(l) { return true }
            // validation_0, valid1, eval_2 (XGBoost names its evaluation sets so).
            if let base = splitWords.first(where: { l.hasPrefix($0) }), l.dropFirst(base.count).allSatisfy(\.isNumber) { return true }
            return false
        }
        // Leading split words (`validation_0-auc` splits into validation, 0, auc).
        if isSplit(tokens[0]) {
            var rest = Array(tokens.dropFirst())
            var splitName = tokens[0]
            if let first = rest.first, first.allSatisfy(\.isNumber), rest.count > 1 { splitName += "_" + first; rest.removeFirst() }
            return (rest.joined(separator: "-"), splitName.lowercased())
        }
        if isSplit(tokens[tokens.count - 1]) {
            return (tokens.dropLast().joined(separator: "-"), tokens[tokens.count - 1].lowercased())
        }
        return (key, nil)
    }

    /// Orders splits: training first, then validation-like, then the rest.
    static func rank(_ split: String?) -> Int {
        guard let s = split else { return 0 }
        if s.hasPrefix("train") { return 1 }
        if s.hasPrefix("val") || s.hasPrefix("eval") || s.hasPrefix("dev") { return 2 }
        return 3
    }

    /// The groups of `keys`: keys with a split word grouped by measure (named `auc (train/validation)`),
    /// keys without one alone (a final `auc` is a single point, not a curve to overlay).
    public static func group(_ keys: [String]) -> [Group] {
        var byMeasure: [String: [(String, String?)]] = [:]
        var single: [String] = []
        for k in keys {
            let (m, s) = split(k)
            if s == nil { single.append(k) } else { byMeasure[m, default: []].append((k, s)) }
        }
        var out = single.map { Group(name: $0, keys: [$0]) }
        for m in byMeasure.keys {
            let members = byMeasure[m]!.sorted { (rank($0.1), $0.0) < (rank($1.1), $1.0) }
            let splits = members.compactMap(\.1)
            out.append(Group(name: "\(m) (\(splits.joined(separator: "/")))", keys: members.map(\.0)))
        }
        return out.sorted { $0.name < $1.name }
    }
}
