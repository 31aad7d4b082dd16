import Foundation

/// One input column of a model: its name and type (`integer`, `float`, `boolean`, `datetime`,
/// `categorical`, `text`), as callers must send it.
public struct SignatureColumn: Codable, Sendable, Equatable {
    public var name: String
    public var type: String

    public init(name: String, type: String) { self.name = name; self.type = type }
}

/// What `registerModelVersion` records. The objects must already be durable in the object store.
public struct NewModelVersion: Sendable {
    public var model: String
    /// The trained model's bytes in the object store (XGBoost JSON).
    public var modelObject: ObjectID
    /// The preprocessing spec (column order, encodings, categories, label mapping), JSON.
    public var preprocessingObject: ObjectID?
    /// Reference data for monitoring: the training split's feature columns, sorted, binary.
    public var referenceObject: ObjectID?
    public var framework: String
    /// `binary`, `multiclass` or `regression`.
    public var task: String?
    public var signature: [SignatureColumn]
    public var metrics: [String: Double]
    public var params: [String: String]
    /// The run that trained it (32 hex digits).
    public var runID: String?
    public var datasetName: String?
    public var datasetVersionNumber: Int?
    /// The dataset version's content hash.
    public var datasetHash: String?
    public var codeHash: String?
    public var description: String?

    public init(model: String, modelObject: ObjectID, preprocessingObject: ObjectID? = nil, referenceObject: ObjectID? = nil,
                framework: String = "xgboost", task: String? = nil, signature: [SignatureColumn] = [],
                metrics: [String: Double] = [:], params: [String: String] = [:], runID: String? = nil,
                datasetName: String? = nil, datasetVersionNumber: Int? = nil, datasetHash: String? = nil,
                codeHash: String? = nil, description: String? = nil) {
        self.model = model; self.modelObject = modelObject; self.preprocessingObject = preprocessingObject
        self.referenceObject = referenceObject; self.framework = framework; self.task = task; self.signature = signature
        self.metrics = metrics; self.params = params; self.runID = runID; self.datasetName = datasetName
        self.datasetVersionNumber = datasetVersionNumber; self.datasetHash = datasetHash; self.codeHash = codeHash
        self.description = description
    }
}

/// A model version as the CLI (`models show --json`) and the dashboard's Models pane see it.
public struct ModelVersionRecord: Codable, Sendable, Equatable {
    public var model: String
    /// 1, 2, … per model.
    public var version: Int
    /// Seconds since 1970 (ISO 8601 in JSON).
    public var createdAt: Double
    public var runID: String?
    public var task: String?
    public var framework: String
    public var modelObject: ObjectID
    public var preprocessingObject: ObjectID?
    public var referenceObject: ObjectID?
    public var signature: [SignatureColumn]
    public var metrics: [String: Double]
    public var params: [String: String]
    public var datasetName: String?
    public var datasetVersionNumber: Int?
    public var datasetHash: String?
    public var codeHash: String?
    public var description: String?
    /// Aliases pointing at this version now (`production`, `staging`, …), sorted.
    public var aliases: [String]
    /// Free key/value tags (`mldeck models tag`), which `--where` filters on as `tags.KEY`.
    public var tags: [String: String]

    /// `NAME@VERSION`.
    public var reference: String { "\(model)@\(version)" }
    /// `NAME@N` of the dataset version it was trained on, when known.
    public var datasetReference: String? {
        guard let datasetName else { return nil }
        return datasetVersionNumber.map { "\(datasetName)@\($0)" } ?? datasetName
    }

    enum CodingKeys: String, CodingKey {
        case model, version, createdAt = "created_at", runID = "run_id", task, framework
        case modelObject = "model_object", preprocessingObject = "preprocessing_object", referenceObject = "reference_object"
        case signature, metrics, params, datasetName = "dataset_name", datasetVersionNumber = "dataset_version_number"
        case datasetHash = "dataset_hash", codeHash = "code_hash", description, aliases, tags
    }

    public init(model: String, version: Int, createdAt: Double, runID: String?, task: String?, framework: String,
                modelObject: ObjectID, preprocessingObject: ObjectID?, referenceObject: ObjectID?, signature: [SignatureColumn],
                metrics: [String: Double], params: [String: String], datasetName: String?, datasetVersionNumber: Int?,
                datasetHash: String?, codeHash: String?, description: String?, aliases: [String], tags: [String: String] = [:]) {
        self.model = model; self.version = version; self.createdAt = createdAt; self.runID = runID; self.task = task
        self.framework = framework; self.modelObject = modelObject; self.preprocessingObject = preprocessingObject
        self.referenceObject = referenceObject; self.signature = signature; self.metrics = metrics; self.params = params
        self.datasetName = datasetName; self.datasetVersionNumber = datasetVersionNumber; self.datasetHash = datasetHash
        self.codeHash = codeHash; self.description = description; self.aliases = aliases; self.tags = tags
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decode(Int.self, forKey: .version)
        createdAt = try JSONTime.decode(c.decode(String.self, forKey: .createdAt))
        runID = try c.decodeIfPresent(String.self, forKey: .runID)
        task = try c.decodeIfPresent(String.self, forKey: .task)
        framework = try c.decode(String.self, forKey: .framework)
        modelObject = try c.decode(ObjectID.self, forKey: .modelObject)
        preprocessingObject = try c.decodeIfPresent(ObjectID.self, forKey: .preprocessingObject)
        referenceObject = try c.decodeIfPresent(ObjectID.self, forKey: .referenceObject)
        signature = try c.decode([SignatureColumn].self, forKey: .signature)
        metrics = try c.decode([String: Double].self, forKey: .metrics)
        params = try c.decode([String: String].self, forKey: .params)
        datasetName = try c.decodeIfPresent(String.self, forKey: .datasetName)
        datasetVersionNumber = try c.decodeIfPresent(Int.self, forKey: .datasetVersionNumber)
        datasetHash = try c.decodeIfPresent(String.self, forKey: .datasetHash)
        codeHash = try c.decodeIfPresent(String.self, forKey: .codeHash)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        aliases = try c.decode([String].self, forKey: .aliases)
        tags = try c.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(JSONTime.encode(createdAt), forKey: .createdAt)
        try c.encodeIfPresent(runID, forKey: .runID)
        try c.encodeIfPresent(task, forKey: .task)
        try c.encode(framework, forKey: .framework)
        try c.encode(modelObject, forKey: .modelObject)
        try c.encodeIfPresent(preprocessingObject, forKey: .preprocessingObject)
        try c.encodeIfPresent(referenceObject, forKey: .referenceObject)
        try c.encode(signature, forKey: .signature)
        try c.encode(metrics, forKey: .metrics)
        try c.encode(params, forKey: .params)
        try c.encodeIfPresent(datasetName, forKey: .datasetName)
        try c.encodeIfPresent(datasetVersionNumber, forKey: .datasetVersionNumber)
        try c.encodeIfPresent(datasetHash, forKey: .datasetHash)
        try c.encodeIfPresent(codeHash, forKey: .codeHash)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(tags, forKey: .tags)
    }
}

/// A model with its latest version and current aliases (`models list`).
public struct ModelSummary: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public var createdAt: Double
    /// Number of versions.
    public var versions: Int
    public var latestVersion: Int?
    /// When the latest version was registered.
    public var updatedAt: Double?
    /// Alias → version number.
    public var aliases: [String: Int]
    /// The latest version's metrics.
    public var latestMetrics: [String: Double]

    enum CodingKeys: String, CodingKey {
        case name, description, createdAt = "created_at", versions, latestVersion = "latest_version"
        case updatedAt = "updated_at", aliases, latestMetrics = "latest_metrics"
    }

    public init(name: String, description: String?, createdAt: Double, versions: Int, latestVersion: Int?,
                updatedAt: Double?, aliases: [String: Int], latestMetrics: [String: Double]) {
        self.name = name; self.description = description; self.createdAt = createdAt; self.versions = versions
        self.latestVersion = latestVersion; self.updatedAt = updatedAt; self.aliases = aliases; self.latestMetrics = latestMetrics
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        createdAt = try JSONTime.decode(c.decode(String.self, forKey: .createdAt))
        versions = try c.decode(Int.self, forKey: .versions)
        latestVersion = try c.decodeIfPresent(Int.self, forKey: .latestVersion)
        updatedAt = try c.decodeIfPresent(String.self, forKey: .updatedAt).map(JSONTime.decode)
        aliases = try c.decode([String: Int].self, forKey: .aliases)
        latestMetrics = try c.decode([String: Double].self, forKey: .latestMetrics)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encode(JSONTime.encode(createdAt), forKey: .createdAt)
        try c.encode(versions, forKey: .versions)
        try c.encodeIfPresent(latestVersion, forKey: .latestVersion)
        try c.encodeIfPresent(updatedAt.map(JSONTime.encode), forKey: .updatedAt)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(latestMetrics, forKey: .latestMetrics)
    }
}

/// One recorded alias move: time, author, from → to, reason.
public struct AliasHistoryEntry: Codable, Sendable, Equatable {
    public var model: String
    public var alias: String
    /// The version the alias pointed at before (nil when it was new).
    public var fromVersion: Int?
    /// The version it points at after (nil when it was removed).
    public var toVersion: Int?
    public var time: Double
    public var author: String
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case model, alias, fromVersion = "from_version", toVersion = "to_version", time, author, reason
    }

    public init(model: String, alias: String, fromVersion: Int?, toVersion: Int?, time: Double, author: String, reason: String?) {
        self.model = model; self.alias = alias; self.fromVersion = fromVersion; self.toVersion = toVersion
        self.time = time; self.author = author; self.reason = reason
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(String.self, forKey: .model)
        alias = try c.decode(String.self, forKey: .alias)
        fromVersion = try c.decodeIfPresent(Int.self, forKey: .fromVersion)
        toVersion = try c.decodeIfPresent(Int.self, forKey: .toVersion)
        time = try JSONTime.decode(c.decode(String.self, forKey: .time))
        author = try c.decode(String.self, forKey: .author)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(alias, forKey: .alias)
        try c.encodeIfPresent(fromVersion, forKey: .fromVersion)
        try c.encodeIfPresent(toVersion, forKey: .toVersion)
        try c.encode(JSONTime.encode(time), forKey: .time)
        try c.encode(author, forKey: .author)
        try c.encodeIfPresent(reason, forKey: .reason)
    }
}

/// `NAME`, `NAME@3` or `NAME@production` (or `NAME@latest`).
public struct ModelReference: Sendable, Equatable, CustomStringConvertible {
    public enum Selector: Sendable, Equatable {
        case latest
        case version(Int)
        case alias(String)
    }

    public var model: String
    public var selector: Selector

    public init(model: String, selector: Selector) { self.model = model; self.selector = selector }

    /// Parses `NAME[@V|@ALIAS]`; `defaultSelector` applies when there is no `@`.
    public init(parsing text: String, defaultSelector: Selector = .latest) throws {
        guard let at = text.lastIndex(of: "@") else {
            guard !text.isEmpty else { throw ModelRegistryError.badReference(text) }
            self.init(model: text, selector: defaultSelector)
            return
        }
        let name = String(text[..<at]), tail = String(text[text.index(after: at)...])
        guard !name.isEmpty, !tail.isEmpty else { throw ModelRegistryError.badReference(text) }
        if tail == "latest" { self.init(model: name, selector: .latest) }
        else if let v = Int(tail.hasPrefix("v") ? String(tail.dropFirst()) : tail), v > 0 { self.init(model: name, selector: .version(v)) }
        else { self.init(model: name, selector: .alias(tail)) }
    }

    public var description: String {
        switch selector {
        case .latest: return model
        case .version(let v): return "\(model)@\(v)"
        case .alias(let a): return "\(model)@\(a)"
        }
    }
}
