import DeckML
import Foundation

/// Chooses features, infers the task and the class labels, and fits the encodings on the
/// training rows: the `split` step's preparation.
public struct PreprocessingFitter {
    /// What the `split` step's `with:` says about features.
    public struct Options: Sendable {
        public var target: String
        /// Exactly these features (nil: every column but the target, ids and `exclude`).
        public var features: [String]?
        public var exclude: [String]
        /// Overrides the inferred task.
        public var task: ModelTask?
        /// Categorical columns with at most this many categories are one-hot encoded, others ordinal.
        public var maxOneHot: Int
        /// Keep id-like columns as features.
        public var keepIDs: Bool
        /// A time column used to split (left out of the features unless listed in `features`).
        public var timeColumn: String?
        /// The column that names rows (`id:`); nil to recognise one by its name and values.
        public var idColumn: String?

        public init(target: String, features: [String]? = nil, exclude: [String] = [], task: ModelTask? = nil,
                    maxOneHot: Int = 32, keepIDs: Bool = false, timeColumn: String? = nil, idColumn: String? = nil) {
            self.target = target; self.features = features; self.exclude = exclude; self.task = task
            self.maxOneHot = maxOneHot; self.keepIDs = keepIDs; self.timeColumn = timeColumn; self.idColumn = idColumn
        }
    }

    /// Names that mark a row-id column.
    static let idNames: Set<String> = ["id", "rownames", "row_names", "rowname", "rowid", "row_id", "index", "unnamed: 0", "", "_id", "row"]
    /// At most this many distinct values make an integer or text target a classification target.
    public static let maxClasses = 50

    public let options: Options

    public init(options: Options) { self.options = options }

    /// The task and the class labels of the target (rows with a missing target are not counted).
    public func inferTask(_ table: DataTable) throws -> (task: ModelTask, classes: [String]?) {
        guard let index = table.index(of: options.target) else {
            throw PreprocessingError.missingColumn(options.target, available: table.names)
        }
        let column = table.columns[index], type = table.types[index]
        var distinct = Set<String>()
        var numericDistinct = Set<Double>()
        var nonMissing = 0
        switch column {
        case .numeric(let values):
            for v in values where !v.isNaN {
                nonMissing += 1
                if numericDistinct.count <= Self.maxClasses { numericDistinct.insert(v) }
            }
            distinct = Set(numericDistinct.map(LabelText.number))
        case .categorical(let codes, let categories):
            var seen = [Bool](repeating: false, count: categories.count)
            for c in codes where c >= 0 { nonMissing += 1; seen[Int(c)] = true }
            distinct = Set(categories.indices.filter { seen[$0] }.map { categories[$0] })
        }
        guard nonMissing > 0 else { throw PreprocessingError.emptyTarget(options.target) }
        let sortedClasses: [String] = {
            if case .numeric = column { return numericDistinct.sorted().map(LabelText.number) }
            return distinct.sorted()
        }()
        if let task = options.task {
            switch task {
            case .regression: return (.regression, nil)
            case .binary, .multiclass:
                if sortedClasses.count == 1 { throw PreprocessingError.singleClass(target: options.target, label: sortedClasses[0]) }
                if sortedClasses.count > Self.maxClasses && type != .integer { throw PreprocessingError.tooManyClasses(target: options.target, count: distinct.count) }
                return (sortedClasses.count == 2 && task == .binary ? .binary : .multiclass, sortedClasses)
            }
        }
        if distinct.count == 1 { throw PreprocessingError.singleClass(target: options.target, label: sortedClasses[0]) }
        if distinct.count == 2 { return (.binary, sortedClasses) }
        if type.isTextual || type == .boolean {
            guard distinct.count <= Self.maxClasses else { throw PreprocessingError.tooManyClasses(target: options.target, count: distinct.count) }
            return (.multiclass, sortedClasses)
        }
        if type == .integer && numericDistinct.count <= Self.maxClasses { return (.multiclass, sortedClasses) }
        return (.regression, nil)
    }

    /// Feature columns and the reasons others were left out.
    public func chooseFeatures(_ table: DataTable) throws -> (features: [Int], excluded: [ExcludedColumn]) {
        guard table.index(of: options.target) != nil else { throw PreprocessingError.missingColumn(options.target, available: table.names) }
        var excluded: [ExcludedColumn] = []
        if let wanted = options.features {
            var out: [Int] = []
            for name in wanted {
                guard let i = table.index(of: name) else { throw PreprocessingError.missingColumn(name, available: table.names) }
                if name == options.target { throw PreprocessingError.targetInFeatures(name) }
                out.append(i)
            }
            for (i, name) in table.names.enumerated() where !out.contains(i) && name != options.target {
                let role: ColumnRole? = name == options.idColumn || (options.idColumn == nil && looksLikeIdentifier(table, column: i)) ? .id : nil
                excluded.append(ExcludedColumn(name: name, reason: "not listed in features", role: role))
            }
            return (out, excluded)
        }
        for name in options.exclude + [options.idColumn].compactMap({ $0 }) where table.index(of: name) == nil {
            throw PreprocessingError.missingColumn(name, available: table.names)
        }
        var out: [Int] = []
        for (i, name) in table.names.enumerated() where name != options.target {
            if name == options.idColumn { excluded.append(ExcludedColumn(name: name, reason: "the id column (id:)", role: .id)); continue }
            let role: ColumnRole? = options.idColumn == nil && looksLikeIdentifier(table, column: i) ? .id : nil
            if options.exclude.contains(name) { excluded.append(ExcludedColumn(name: name, reason: "excluded", role: role)); continue }
            if name == options.timeColumn { excluded.append(ExcludedColumn(name: name, reason: "time column used to split")); continue }
            if !options.keepIDs, let why = idReason(table, column: i) { excluded.append(ExcludedColumn(name: name, reason: why, role: role)); continue }
            if table.types[i] == .text {
                excluded.append(ExcludedColumn(name: name, reason: "free text (too many distinct values for a category)"))
                continue
            }
            out.append(i)
        }
        guard !out.isEmpty else { throw PreprocessingError.noFeatures }
        return (out, excluded)
    }

    /// Why a column looks like a row id, or nil.
    func idReason(_ table: DataTable, column i: Int) -> String? {
        let name = table.names[i]
        if Self.idNames.contains(name.lowercased()) { return "looks like a row id (named '\(name)')" }
        guard table.types[i] == .integer, table.rowCount >= 10, case .numeric(let values) = table.columns[i] else { return nil }
        var previous = -Double.infinity
        for v in values {
            guard !v.isNaN, v > previous else { return nil }
            previous = v
        }
        return "looks like a row id (unique integers in order)"
    }

    /// Whether a column names rows: it looks like a row id, or its name ends in `id` and every
    /// value is present and distinct (`customer_id`, `customerID`).
    func looksLikeIdentifier(_ table: DataTable, column i: Int) -> Bool {
        if idReason(table, column: i) != nil { return true }
        guard table.names[i].lowercased().hasSuffix("id"), table.rowCount > 0 else { return false }
        switch table.columns[i] {
        case .categorical(let codes, let categories):
            return categories.count == table.rowCount && !codes.contains { $0 < 0 }
        case .numeric(let values):
            return !values.contains { $0.isNaN } && Set(values).count == values.count
        }
    }

    /// Fits the encodings on `trainRows` and returns the spec.
    public func fit(_ table: DataTable, task: ModelTask, classes: [String]?, features: [Int], excluded: [ExcludedColumn],
                    trainRows: [Int]) -> PreprocessingSpec {
        var inputs: [InputColumn] = []
        var names: [String] = []
        var used = Set<String>()
        func uniqueName(_ base: String) -> String {
            var name = FeatureNames.sanitize(base), n = 2
            while used.contains(name) { name = FeatureNames.sanitize(base) + "#\(n)"; n += 1 }
            used.insert(name)
            return name
        }
        for i in features {
            let name = table.names[i], type = table.types[i]
            switch table.columns[i] {
            case .numeric:
                inputs.append(InputColumn(name: name, type: type.rawValue, encoding: .numeric, categories: nil, offset: names.count, width: 1))
                names.append(uniqueName(name))
            case .categorical(let codes, let categories):
                var seen = [Bool](repeating: false, count: categories.count)
                codes.withUnsafeBufferPointer { c in for r in trainRows where c[r] >= 0 { seen[Int(c[r])] = true } }
                let kept = categories.indices.filter { seen[$0] }.map { categories[$0] }.sorted()
                if kept.count <= options.maxOneHot {
                    inputs.append(InputColumn(name: name, type: type.rawValue, encoding: .onehot, categories: kept, offset: names.count, width: kept.count))
                    for category in kept { names.append(uniqueName("\(name)=\(category)")) }
                } else {
                    inputs.append(InputColumn(name: name, type: type.rawValue, encoding: .ordinal, categories: kept, offset: names.count, width: 1))
                    names.append(uniqueName(name))
                }
            }
        }
        return PreprocessingSpec(target: options.target, task: task, classes: classes, inputs: inputs, featureNames: names, excluded: excluded)
    }
}

/// Text of labels: integers without a decimal point (`1`, not `1.0`).
public enum LabelText {
    public static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    /// The text of a table cell, nil when missing.
    public static func cell(_ column: DataTable.Column, _ row: Int) -> String? {
        switch column {
        case .numeric(let v): return v[row].isNaN ? nil : number(v[row])
        case .categorical(let c, let cats): return c[row] < 0 ? nil : cats[Int(c[row])]
        }
    }
}

/// Feature names XGBoost and Python's xgboost accept (no `[`, `]` or `<`).
enum FeatureNames {
    static func sanitize(_ name: String) -> String {
        var out = name.replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")").replacingOccurrences(of: "<", with: "lt")
        if out.isEmpty { out = "_" }
        return out
    }
}
