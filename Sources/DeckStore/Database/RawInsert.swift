import Foundation
import GRDB
import GRDBSQLite

/// Executes one prepared statement many times with values bound through SQLite's own bind
/// functions, without GRDB's `StatementArguments` (an array of boxed `DatabaseValueConvertible`
/// values per execution). For the hot inserts only: the prediction log's rows (answers and shadow
/// answers), where those boxes were a quarter of the log writer's time at 20,000 rows a second, and
/// a new run's row, params, tags and series (`insertRun`); the read-side twin is ``RawRows``.
struct RawInsert {
    private let statement: Statement
    private let db: Database
    private var position: Int32 = 0

    /// Prepares (or reuses) `sql` in `db`; valid only inside the transaction that made it.
    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
    }

    private var handle: SQLiteStatement { statement.sqliteStatement }

    private mutating func next() -> Int32 {
        position += 1
        return position
    }

    mutating func bind(_ value: Int64) { sqlite3_bind_int64(handle, next(), value) }
    mutating func bind(_ value: Int) { bind(Int64(value)) }

    /// An integer, or NULL for nil.
    mutating func bind(_ value: Int64?) {
        let index = next()
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// A blob (copied by SQLite).
    mutating func bind(_ value: Data) {
        let index = next()
        value.withUnsafeBytes { bytes in
            // An empty blob has no address, and a NULL pointer would bind NULL instead of x''.
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), SQLITE_TRANSIENT)
        }
    }

    /// A number, or NULL for nil.
    mutating func bind(_ value: Double?) {
        let index = next()
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Text (copied by SQLite), or NULL for nil.
    mutating func bind(_ value: String?) {
        let index = next()
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // An empty buffer has no address, and a NULL pointer would bind NULL instead of ''.
                if let start = chars.baseAddress {
                    _ = sqlite3_bind_text(handle, index, start, Int32(chars.count), SQLITE_TRANSIENT)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
                }
            }
        }
    }

    /// Runs the statement with the values bound since the last run, then clears them.
    mutating func run() throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            position = 0
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}

/// SQLite's "copy the bytes now" destructor for `sqlite3_bind_text` (a C macro Swift cannot import).
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
