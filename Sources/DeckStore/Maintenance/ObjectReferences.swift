import Foundation
import GRDB

/// Every object the workspace's records point to, and who points to it.
///
/// Convention for every part of MLDeck: a column named `object` or ending in `_object` holds object
/// ids (SHA-256 hex), and `fsck` / `gc` treat them as references. Known tables get readable
/// descriptions (dataset versions, run artifacts); an object stored in a `manifest_object` column
/// is also scanned for object ids (64 hex digits) it names, which are kept too.
struct ObjectReferences {
    /// Who refers to each object (a few descriptions per object).
    var sources: [ObjectID: [String]] = [:]

    mutating func add(_ id: ObjectID, _ source: String) {
        if var list = sources[id] {
            if list.count < 3 { list.append(source); sources[id] = list }
        } else {
            sources[id] = [source]
        }
    }

    static func collect(_ store: DeckStore) throws -> ObjectReferences {
        var refs = ObjectReferences()
        var manifests: [(ObjectID, String)] = []
        try store.database.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let columns = try db.columns(in: table).map(\.name).filter { $0 == "object" || $0.hasSuffix("_object") }
                for column in columns {
                    if table == "dataset_version_objects" {
                        let cursor = try Row.fetchCursor(db, sql: """
                            SELECT o.object, d.name || '@' || v.number FROM dataset_version_objects o
                            JOIN dataset_versions v ON v.id = o.version_id JOIN datasets d ON d.id = v.dataset_id
                            """)
                        while let row = try cursor.next() { if let id = ObjectID(hex: row[0]) { refs.add(id, "dataset \(row[1] as String)") } }
                    } else if table == "artifacts" && column == "object" {
                        let cursor = try Row.fetchCursor(db, sql: "SELECT a.object, r.uuid, a.path FROM artifacts a JOIN runs r ON r.id = a.run_id")
                        while let row = try cursor.next() {
                            if let id = ObjectID(hex: row[0]) { refs.add(id, "run \((row[1] as String).prefix(8)) artifact \(row[2] as String)") }
                        }
                    } else {
                        let quotedTable = table.replacingOccurrences(of: "\"", with: "\"\"")
                        let quotedColumn = column.replacingOccurrences(of: "\"", with: "\"\"")
                        let cursor = try String.fetchCursor(db, sql: "SELECT DISTINCT \"\(quotedColumn)\" FROM \"\(quotedTable)\" WHERE \"\(quotedColumn)\" IS NOT NULL")
                        while let hex = try cursor.next() {
                            guard let id = ObjectID(hex: hex) else { continue }
                            refs.add(id, "\(table).\(column)")
                            if column == "manifest_object" { manifests.append((id, "\(table).\(column)")) }
                        }
                    }
                }
            }
        }
        for (manifest, source) in manifests {
            guard let data = try? store.objects.read(manifest), data.count <= 64 << 20 else { continue }
            for id in Self.objectIDs(in: data) where id != manifest { refs.add(id, "named in \(source) \(manifest.hex.prefix(12))") }
        }
        return refs
    }

    /// Runs of exactly 64 hex digits in `data`.
    static func objectIDs(in data: Data) -> [ObjectID] {
        var out: [ObjectID] = []
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var run = 0
            func isHex(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70) }
            for i in 0...bytes.count {
                if i < bytes.count && isHex(bytes[i]) { run += 1; continue }
                if run == 64, let id = ObjectID(hex: String(decoding: UnsafeBufferPointer(rebasing: bytes[(i - 64)..<i]), as: UTF8.self)) {
                    out.append(id)
                }
                run = 0
            }
        }
        return out
    }
}
