import DeckML
import DeckStore
import Foundation

/// A version with its profile decoded and what depends on it: what `datasets show --json` prints
/// (the version's fields, then `profile`, `skipped`, `used_by_models`, `used_by_runs`).
public struct DatasetVersionDetails: Sendable, Encodable {
    public var version: DatasetVersionRecord
    /// Tables: the per-column statistics.
    public var profile: TableProfile?
    /// Lenient tables: the rows skipped.
    public var skipped: SkippedRows?
    /// Model versions trained on it (`MODEL@V`).
    public var usedByModels: [String]
    /// Runs that recorded it as their dataset (`runs.dataset_version` = `NAME@N`), newest first, at most 50.
    public var usedByRuns: [String]

    /// Loads the version `reference` names, with its profile and dependents.
    public static func load(_ reference: DatasetReference, from store: any DatasetStore) throws -> DatasetVersionDetails {
        let record = try store.datasetVersion(reference)
        return DatasetVersionDetails(version: record, profile: try profile(of: record), skipped: try skippedRows(of: record),
                                     usedByModels: try store.datasetDependents(record), usedByRuns: try store.datasetRuns(record))
    }

    /// The decoded profile of a table version (nil for other content, or when the record was loaded without it).
    public static func profile(of record: DatasetVersionRecord) throws -> TableProfile? {
        guard let text = record.profileJSON else { return nil }
        return try TableProfile.decode(Data(text.utf8))
    }

    /// The rows skipped when a lenient table was added.
    public static func skippedRows(of record: DatasetVersionRecord) throws -> SkippedRows? {
        guard let text = record.skippedJSON else { return nil }
        return try JSONDecoder().decode(SkippedRows.self, from: Data(text.utf8))
    }

    enum Keys: String, CodingKey { case profile, skipped, usedByModels = "used_by_models", usedByRuns = "used_by_runs" }

    public func encode(to encoder: Encoder) throws {
        try version.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeIfPresent(profile, forKey: .profile)
        try c.encodeIfPresent(skipped, forKey: .skipped)
        try c.encode(usedByModels, forKey: .usedByModels)
        try c.encode(usedByRuns, forKey: .usedByRuns)
    }
}
