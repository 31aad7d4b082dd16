/// What `mldeck fsck` found. JSON keys are snake_case.
public struct FsckReport: Codable, Sendable {
    /// One object with a problem.
    public struct ObjectProblem: Codable, Sendable, Equatable {
        /// SHA-256 hex.
        public var object: String
        /// Where it lives (or should live) on disk.
        public var path: String
        /// Records that point to it (a few), empty for orphans.
        public var referencedBy: [String]
        /// For corrupt objects: what the bytes hash to now.
        public var actual: String?
        /// For objects that could not be hashed at all: why (a symlink, FIFO or device in the
        /// object's place, or a file that cannot be read).
        public var reason: String?

        public init(object: String, path: String, referencedBy: [String], actual: String?, reason: String? = nil) {
            self.object = object; self.path = path; self.referencedBy = referencedBy; self.actual = actual; self.reason = reason
        }

        enum CodingKeys: String, CodingKey { case object, path, referencedBy = "referenced_by", actual, reason }
    }

    /// A record whose content cannot be read back whole.
    public struct DamagedRecord: Codable, Sendable, Equatable {
        /// e.g. `churn@3`.
        public var reference: String
        public var reason: String
    }

    /// Objects on disk whose hash was verified.
    public var objectsChecked: Int
    /// Their bytes.
    public var bytesChecked: Int64
    /// Distinct objects the records point to.
    public var referencedObjects: Int
    /// Referenced but absent.
    public var missing: [ObjectProblem]
    /// Present, but the bytes no longer match the id.
    public var corrupt: [ObjectProblem]
    /// Present and referenced by nothing (harmless; `mldeck gc` removes them). The first 100 are listed.
    public var orphaned: [ObjectProblem]
    /// All orphans.
    public var orphanedCount: Int
    public var orphanedBytes: Int64
    /// Dataset versions (and other records) that cannot be read back whole.
    public var damaged: [DamagedRecord]
    /// Files in `.mldeck/tmp` older than an hour (left by interrupted writes; `gc` removes them).
    public var staleTemporaryFiles: Int

    /// What SQLite's `integrity_check` / `quick_check` reported (empty when the database is intact).
    public var databaseProblems: [String] = []
    /// `integrity_check` or `quick_check`.
    public var databaseCheck: String = "integrity_check"

    /// True when the database is intact and nothing is missing, corrupt or damaged (orphans are not damage).
    public var isHealthy: Bool { databaseProblems.isEmpty && missing.isEmpty && corrupt.isEmpty && damaged.isEmpty }

    enum CodingKeys: String, CodingKey {
        case objectsChecked = "objects_checked", bytesChecked = "bytes_checked", referencedObjects = "referenced_objects"
        case missing, corrupt, orphaned, orphanedCount = "orphaned_count", orphanedBytes = "orphaned_bytes", damaged
        case staleTemporaryFiles = "stale_temporary_files", healthy
        case databaseProblems = "database_problems", databaseCheck = "database_check"
    }

    public init(objectsChecked: Int, bytesChecked: Int64, referencedObjects: Int, missing: [ObjectProblem], corrupt: [ObjectProblem],
                orphaned: [ObjectProblem], orphanedCount: Int, orphanedBytes: Int64, damaged: [DamagedRecord], staleTemporaryFiles: Int) {
        self.objectsChecked = objectsChecked; self.bytesChecked = bytesChecked; self.referencedObjects = referencedObjects
        self.missing = missing; self.corrupt = corrupt; self.orphaned = orphaned; self.orphanedCount = orphanedCount
        self.orphanedBytes = orphanedBytes; self.damaged = damaged; self.staleTemporaryFiles = staleTemporaryFiles
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        objectsChecked = try c.decode(Int.self, forKey: .objectsChecked)
        bytesChecked = try c.decode(Int64.self, forKey: .bytesChecked)
        referencedObjects = try c.decode(Int.self, forKey: .referencedObjects)
        missing = try c.decode([ObjectProblem].self, forKey: .missing)
        corrupt = try c.decode([ObjectProblem].self, forKey: .corrupt)
        orphaned = try c.decode([ObjectProblem].self, forKey: .orphaned)
        orphanedCount = try c.decode(Int.self, forKey: .orphanedCount)
        orphanedBytes = try c.decode(Int64.self, forKey: .orphanedBytes)
        damaged = try c.decode([DamagedRecord].self, forKey: .damaged)
        staleTemporaryFiles = try c.decode(Int.self, forKey: .staleTemporaryFiles)
        databaseProblems = try c.decodeIfPresent([String].self, forKey: .databaseProblems) ?? []
        databaseCheck = try c.decodeIfPresent(String.self, forKey: .databaseCheck) ?? "integrity_check"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(objectsChecked, forKey: .objectsChecked); try c.encode(bytesChecked, forKey: .bytesChecked)
        try c.encode(referencedObjects, forKey: .referencedObjects); try c.encode(missing, forKey: .missing)
        try c.encode(corrupt, forKey: .corrupt); try c.encode(orphaned, forKey: .orphaned)
        try c.encode(orphanedCount, forKey: .orphanedCount); try c.encode(orphanedBytes, forKey: .orphanedBytes)
        try c.encode(damaged, forKey: .damaged); try c.encode(staleTemporaryFiles, forKey: .staleTemporaryFiles)
        try c.encode(databaseCheck, forKey: .databaseCheck); try c.encode(databaseProblems, forKey: .databaseProblems)
        try c.encode(isHealthy, forKey: .healthy)
    }
}
