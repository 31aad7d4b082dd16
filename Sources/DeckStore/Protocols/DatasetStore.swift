import Foundation

/// The dataset registry's records: datasets, numbered versions, their tags and the objects they
/// hold (the bytes themselves are in ``StoreBase/objects``).
public protocol DatasetStore: StoreBase {
    /// Every dataset with its latest version, by name.
    func datasets() throws -> [DatasetSummary]
    /// The versions of a dataset, oldest first (``DatasetError/datasetNotFound(_:)`` for an
    /// unknown name). Profiles are loaded only when `includeProfiles`.
    func datasetVersions(_ name: String, includeProfiles: Bool) throws -> [DatasetVersionRecord]
    /// The version a reference names, with its profile (``DatasetError/versionNotFound(_:)`` …).
    func datasetVersion(_ reference: DatasetReference) throws -> DatasetVersionRecord
    /// The latest version of a dataset, or nil when it has none or does not exist.
    func latestDatasetVersion(named name: String) throws -> DatasetVersionRecord?
    /// Records a new version whose objects are durable, with its tags and object list, whole or not
    /// at all. Content equal to the latest version's records nothing (`.unchanged`) unless `force`.
    func recordDatasetVersion(_ draft: DatasetVersionDraft, force: Bool) throws -> DatasetRecordOutcome
    /// Sets and removes tags of a version; returns the updated version.
    @discardableResult
    func setDatasetTags(_ reference: DatasetReference, set: [String: String], remove: [String]) throws -> DatasetVersionRecord
    /// Model versions trained on this version, as `MODEL@VERSION`.
    func datasetDependents(_ record: DatasetVersionRecord) throws -> [String]
    /// Runs that recorded this version as their dataset, newest first, as `RUNID-PREFIX NAME`.
    func datasetRuns(_ record: DatasetVersionRecord, limit: Int) throws -> [String]
    /// Removes a version (its objects become orphans for `gc`); refused while model versions
    /// depend on it (``DatasetError/hasDependents(reference:dependents:)``) unless `force`.
    @discardableResult
    func removeDatasetVersion(_ reference: DatasetReference, force: Bool) throws -> DatasetVersionRecord
    /// Removes those of `candidates` that no record references: the objects an add wrote before it
    /// was refused (a malformed table). The caller holds no ``MaintenanceLock``; this takes it
    /// exclusively without waiting and removes nothing (returns 0) while another add or `gc` holds
    /// it, so an add that found one of these objects already stored never loses it (`gc` collects
    /// them later). Returns how many objects were removed.
    @discardableResult
    func discardUnrecordedObjects(_ candidates: Set<ObjectID>) throws -> Int
}

extension DatasetStore {
    /// Parses and resolves a reference such as `churn@3`.
    public func datasetVersion(_ reference: String) throws -> DatasetVersionRecord {
        try datasetVersion(try DatasetReference(parsing: reference))
    }

    /// The versions of a dataset without profiles.
    public func datasetVersions(_ name: String) throws -> [DatasetVersionRecord] { try datasetVersions(name, includeProfiles: false) }

    /// Records a new version unless its content equals the latest one's.
    public func recordDatasetVersion(_ draft: DatasetVersionDraft) throws -> DatasetRecordOutcome { try recordDatasetVersion(draft, force: false) }

    /// Up to 50 runs that used this version.
    public func datasetRuns(_ record: DatasetVersionRecord) throws -> [String] { try datasetRuns(record, limit: 50) }
}

extension DatasetStore {
    /// Sets tags of a version without removing any.
    @discardableResult
    public func setDatasetTags(_ reference: DatasetReference, set: [String: String]) throws -> DatasetVersionRecord {
        try setDatasetTags(reference, set: set, remove: [])
    }

    /// Removes a version unless model versions depend on it.
    @discardableResult
    public func removeDatasetVersion(_ reference: DatasetReference) throws -> DatasetVersionRecord {
        try removeDatasetVersion(reference, force: false)
    }
}
