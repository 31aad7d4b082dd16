import Foundation
import GRDB

extension StoreChecker {
    /// Materialized dataset copies in `.mldeck/cache/datasets` whose bytes do not match the content of
    /// the version they were built from (checked against its chunk hashes, so a same-size byte flip is
    /// found). Each is reported as damaged; the next use of the version rebuilds it.
    func checkDatasetCache() throws -> [FsckReport.DamagedRecord] {
        let folder = store.workspace.stateDirectory.appendingPathComponent("cache/datasets").path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder), !names.isEmpty else { return [] }
        var damaged: [FsckReport.DamagedRecord] = []
        for name in names.sorted() where !name.contains(".mldeck-partial-") {
            guard let hash = ObjectID(hex: String(name.prefix(64))) else { continue }
            let row = try store.database.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT d.name || '@' || v.number, v.content_kind, v.logical_bytes
                    FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
                    WHERE v.content_hash = ? ORDER BY d.name, v.number LIMIT 1
                    """, arguments: [hash.hex])
            }
            // No version has it any more: `mldeck gc` removes it.
            guard let row, let kind = DatasetContentKind(rawValue: row[1]) else { continue }
            let reference: String = row[0]
            let path = folder + "/" + name
            if let why = CachedContentCheck.mismatch(cached: path, kind: kind, hash: hash, size: row[2], objects: store.objects) {
                damaged.append(.init(reference: "\(reference) (cached copy .mldeck/cache/datasets/\(name))",
                                     reason: "\(why); delete it, or use the version and it is rebuilt"))
            }
        }
        return damaged
    }
}
