import Foundation
import GRDB

/// The database half of `mldeck fsck`: SQLite's own page-level check, then every record read
/// back the way the commands read it (runs, dataset versions, model versions, metric chunks).
struct DatabaseChecker {
    let store: DeckStore

    /// Problems SQLite's `integrity_check` (or the faster `quick_check`) reports; empty when "ok".
    func integrityProblems(quick: Bool) -> [String] {
        let pragma = quick ? "quick_check" : "integrity_check"
        do {
            let lines = try store.database.read { db in try String.fetchAll(db, sql: "PRAGMA \(pragma)(100)") }
            if lines == ["ok"] { return [] }
            return lines.isEmpty ? ["SQLite's \(pragma) returned nothing"] : lines.map { "SQLite \(pragma): \($0)" }
        } catch {
            return ["SQLite's \(pragma) could not read the database: it is damaged"]
        }
    }

    /// Every record that cannot be read back whole, each named.
    func damagedRecords() throws -> [FsckReport.DamagedRecord] {
        var damaged: [FsckReport.DamagedRecord] = []
        func add(_ d: RecordDamage) { damaged.append(.init(reference: d.reference, reason: d.reason)) }
        try store.database.read { db in
            let runs = try Row.fetchCursor(db, sql: "SELECT \(DeckStore.runColumns) FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id ORDER BY r.id")
            while let row = try runs.next() {
                do { _ = try DeckStore.runRecord(row) } catch let d as RecordDamage { add(d) }
            }
            let versions = try Row.fetchAll(db, sql: "SELECT \(DeckStore.versionColumns), v.profile, v.skipped FROM dataset_versions v LEFT JOIN datasets d ON d.id = v.dataset_id ORDER BY d.name, v.number")
            for row in versions {
                do { _ = try DeckStore.versionRecord(row, profiles: true, in: db) } catch let d as RecordDamage { add(d) }
            }
            try checkModelVersions(db, add)
            try checkMetricChunks(db, add)
        }
        return damaged
    }

    /// Model versions' JSON columns (signature, metrics, params) must decode.
    func checkModelVersions(_ db: Database, _ add: (RecordDamage) -> Void) throws {
        guard try db.tableExists("model_versions"), try db.tableExists("models") else { return }
        let rows = try Row.fetchAll(db, sql: "SELECT m.name, v.version, v.signature, v.metrics, v.params FROM model_versions v LEFT JOIN models m ON m.id = v.model_id ORDER BY m.name, v.version")
        for row in rows {
            let name = (row[0] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
            let version = (row[1] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
            let r = RecordReader(row: row, reference: "model \(name)@\(version)")
            do {
                _ = try r.json(2, "signature", as: [JSONValue].self)
                _ = try r.json(3, "metrics", as: [String: JSONValue].self)
                _ = try r.json(4, "params", as: [String: JSONValue].self)
            } catch let d as RecordDamage { add(d) }
        }
    }

    /// Each metric chunk holds `count` points of 24 bytes, and a series' summary counts what its chunks hold.
    func checkMetricChunks(_ db: Database, _ add: (RecordDamage) -> Void) throws {
        let size = MetricChunkCodec.bytesPerPoint
        let chunks = try Row.fetchCursor(db, sql: """
            SELECT r.uuid, k.name, c.seq, c.count, length(c.points), typeof(c.points) FROM metric_chunks c
            LEFT JOIN runs r ON r.id = c.run_id LEFT JOIN keys k ON k.id = c.key_id
            WHERE typeof(c.points) != 'blob' OR typeof(c.count) != 'integer' OR length(c.points) != c.count * \(size)
            ORDER BY c.run_id, c.key_id, c.seq
            """)
        while let row = try chunks.next() {
            let reference = Self.seriesReference(row)
            let seq = (row[2] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
            let count = Int64.fromDatabaseValue(row[3]) ?? -1
            let bytes = Int64.fromDatabaseValue(row[4]) ?? 0
            let reason = (row[5] as String?) == "blob"
                ? "\(bytes) bytes where \(count) \(count == 1 ? "point needs" : "points need") \(count * Int64(size)) (\(size) bytes a point)"
                : "its points are not binary data"
            add(RecordDamage(reference: reference + " chunk \(seq)", reason: reason))
        }
        let summaries = try Row.fetchCursor(db, sql: """
            SELECT r.uuid, k.name, s.count, (SELECT COALESCE(SUM(c.count), 0) FROM metric_chunks c WHERE c.run_id = s.run_id AND c.key_id = s.key_id)
            FROM metric_summary s LEFT JOIN runs r ON r.id = s.run_id LEFT JOIN keys k ON k.id = s.key_id
            WHERE s.count IS NOT (SELECT COALESCE(SUM(c.count), 0) FROM metric_chunks c WHERE c.run_id = s.run_id AND c.key_id = s.key_id)
            ORDER BY s.run_id, s.key_id
            """)
        while let row = try summaries.next() {
            let counted = (row[2] as DatabaseValue).storage.value.map { "\($0)" } ?? "nothing"
            let held = (row[3] as DatabaseValue).storage.value.map { "\($0)" } ?? "?"
            add(RecordDamage(reference: Self.seriesReference(row), reason: "its summary counts \(counted) points but its chunks hold \(held)"))
        }
    }

    /// `run 3f2a9c1e metric 'loss'` from (uuid, key name) columns.
    static func seriesReference(_ row: Row) -> String {
        let run = ((row[0] as DatabaseValue).storage.value as? String).map { String($0.prefix(8)) } ?? "?"
        let key = ((row[1] as DatabaseValue).storage.value as? String) ?? "?"
        return "run \(run) metric '\(key)'"
    }
}

/// Any JSON value (used to check that stored JSON parses, whatever it holds).
enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}
