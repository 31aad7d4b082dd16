import GRDB
import GRDBSQLite

/// Reads a query's rows through SQLite's column functions, without GRDB's `Row` (a generic decode
/// per value). For the hot listings only — the `runs/search` page reads 20,000 rows of params,
/// tags and metric summaries — where that decode was a fifth of the answer's time. SQLite-only by
/// nature, so it stays inside the SQLite store.
struct RawRows {
    /// The statement positioned on the current row (valid only inside ``forEach(_:sql:_:)``'s body).
    let handle: SQLiteStatement

    /// Runs `sql` (no arguments: callers inline integer lists) and calls `body` once per row.
    static func forEach(_ db: Database, sql: String, _ body: (RawRows) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            try body(RawRows(handle: handle))
        }
    }

    /// The column's integer, or nil unless it holds an integer (NULL, text or a real is not one).
    func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(handle, column) == SQLITE_INTEGER ? sqlite3_column_int64(handle, column) : nil
    }

    /// The column as a number: nil for NULL; `.some(nil)` when it holds text or a blob.
    func real(_ column: Int32) -> Double?? {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .some(nil)
        case SQLITE_INTEGER, SQLITE_FLOAT: return sqlite3_column_double(handle, column)
        default: return nil
        }
    }

    /// The column's text (numbers as SQLite writes them); nil for NULL.
    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
