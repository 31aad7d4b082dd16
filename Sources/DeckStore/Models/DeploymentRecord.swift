import Foundation

/// One period during which an alias of a model served a version: from `startedAt` to `endedAt`
/// (nil while it lasts), on `address` (nil when no running server is bound to the record: the
/// alias pointed at the version). `mldeck models deployments NAME` lists them.
public struct DeploymentRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var model: String
    public var version: Int
    public var alias: String
    /// Seconds since 1970 (ISO 8601 in JSON).
    public var startedAt: Double
    /// nil while the deployment lasts.
    public var endedAt: Double?
    /// `host:port` of the server that served it, when one was recorded.
    public var address: String?
    /// The run that deployed it (a pipeline's `deploy` step), when a run did.
    public var runID: String?
    /// Who deployed it: `$USER` or `MLDECK_AUTHOR` of the process that moved the alias.
    public var author: String
    public var reason: String?

    /// True while it lasts.
    public var isCurrent: Bool { endedAt == nil }

    enum CodingKeys: String, CodingKey {
        case id, model, version, alias, startedAt = "started_at", endedAt = "ended_at", address, runID = "run_id", author, reason
    }

    public init(id: Int64, model: String, version: Int, alias: String, startedAt: Double, endedAt: Double?, address: String?,
                runID: String?, author: String, reason: String?) {
        self.id = id; self.model = model; self.version = version; self.alias = alias; self.startedAt = startedAt
        self.endedAt = endedAt; self.address = address; self.runID = runID; self.author = author; self.reason = reason
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        model = try c.decode(String.self, forKey: .model)
        version = try c.decode(Int.self, forKey: .version)
        alias = try c.decode(String.self, forKey: .alias)
        startedAt = try JSONTime.decode(c.decode(String.self, forKey: .startedAt))
        endedAt = try c.decodeIfPresent(String.self, forKey: .endedAt).map(JSONTime.decode)
        address = try c.decodeIfPresent(String.self, forKey: .address)
        runID = try c.decodeIfPresent(String.self, forKey: .runID)
        author = try c.decode(String.self, forKey: .author)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        try c.encode(alias, forKey: .alias)
        try c.encode(JSONTime.encode(startedAt), forKey: .startedAt)
        try c.encode(endedAt.map(JSONTime.encode), forKey: .endedAt)
        try c.encode(address, forKey: .address)
        try c.encode(runID, forKey: .runID)
        try c.encode(author, forKey: .author)
        try c.encode(reason, forKey: .reason)
    }
}
