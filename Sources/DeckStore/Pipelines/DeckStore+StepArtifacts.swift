import Foundation
import GRDB

/// A file already in the object store, to record as a run's artifact.
public struct StoredFile: Sendable, Equatable {
    /// Path in the run (`steps/train/model.json`).
    public var path: String
    public var object: ObjectID
    public var size: Int64

    public init(path: String, object: ObjectID, size: Int64) { self.path = path; self.object = object; self.size = size }
}

extension DeckStore {
    /// Records files (already durable in the object store) as artifacts of a run and, when
    /// `cacheKey` is given, the step's cache entry, and (given `state`) the step's state, in one transaction.
    public func recordStepOutputs(run: RunHandle, files: [StoredFile], cacheKey: String?, manifest: ObjectID?,
                                  pipeline: String?, step: String?, state: RunStepRecord? = nil) throws {
        let now = Date().timeIntervalSince1970
        try writeImmediate { db in
            if let state { try upsertStep(state, run: run, in: db) }
            let statement = try db.cachedStatement(sql: """
                INSERT INTO artifacts(run_id, path, object, size, created_at) VALUES (?,?,?,?,?)
                ON CONFLICT DO UPDATE SET object = excluded.object, size = excluded.size
                """)
            for f in files { try statement.execute(arguments: [try row(of: run, in: db), f.path, f.object.hex, f.size, now]) }
            if let cacheKey, let manifest {
                try db.execute(sql: """
                    INSERT INTO step_cache(key, manifest_object, pipeline, step, run_id, created_at) VALUES (?,?,?,?,?,?)
                    ON CONFLICT DO UPDATE SET manifest_object = excluded.manifest_object, run_id = excluded.run_id, created_at = excluded.created_at
                    """, arguments: [cacheKey, manifest.hex, pipeline, step, run.id, now])
                Failpoint.hit("step-cache.before-commit")
            }
        }
        if cacheKey != nil, manifest != nil { Failpoint.hit("step-cache.after-commit") }
    }
}
