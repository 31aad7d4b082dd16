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
    /// The first bind that SQLite refused (a programming error), thrown by ``run()``.
    private var bindFailure: Int32?

    /// Prepares (or reuses) `sql` in `db`; valid only inside the transaction that made it.
    ///
    /// The statement comes from GRDB's cache, which GRDB leaves stepped and still bound after it
    /// runs one (it resets before a run, not after): binding to it then fails with
    /// `SQLITE_MISUSE` and the step would reuse GRDB's old values. So it is reset and cleared here.
    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.cachedStatement(sql: sql)
        sqlite3_reset(statement.sqliteStatement)
        sqlite3_clear_bindings(statement.sqliteStatement)
    }

    /// Remembers the first failed bind.
    private mutating func check(_ code: Int32) {
        if code != SQLITE_OK && bindFailure == nil { bindFailure = code }
    }

    private var handle: SQLiteStatement { statement.sqliteStatement }

    private mutating func next() -> Int32 {
        position += 1
        return position
    }

    mutating func bind(_ value: Int64) { check(sqlite3_bind_int64(handle, next(), value)) }
    mutating func bind(_ value: Int) { bind(Int64(value)) }

    /// An integer, or NULL for nil.
    mutating func bind(_ value: Int64?) {
        let index = next()
        check(value.map { sqlite3_bind_int64(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    /// A blob (copied by SQLite).
    mutating func bind(_ value: Data) {
        let index = next()
        let code = value.withUnsafeBytes { bytes in
            // An empty blob has no address, and a NULL pointer would bind NULL instead of x''.
            guard let start = bytes.baseAddress else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return sqlite3_bind_blob(handle, index, start, Int32(bytes.count), SQLITE_TRANSIENT)
        }
        check(code)
    }

    /// A blob, or NULL for nil.
    mutating func bind(_ value: Data?) {
        guard let value else { check(sqlite3_bind_null(handle, next())); return }
        bind(value)
    }

    /// A number, or NULL for nil.
    mutating func bind(_ value: Double?) {
        let index = next()
        check(value.map { sqlite3_bind_double(handle, index, $0) } ?? sqlite3_bind_null(handle, index))
    }

    /// Text (copied by SQLite), or NULL for nil.
    mutating func bind(_ value: String?) {
        let index = next()
        guard var value else { check(sqlite3_bind_null(handle, index)); return }
        let code = value.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // An empty buffer has no address, and a NULL pointer would bind NULL instead of ''.
                if let start = chars.baseAddress {
                    return sqlite3_bind_text(handle, index, start, Int32(chars.count), SQLITE_TRANSIENT)
                }
                return sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
            }
        }
        check(code)
    }

    /// Runs the statement with the values bound since the last run, then clears them.
    mutating func run() throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            position = 0
            bindFailure = nil
        }
        if let bindFailure {
            throw DatabaseError(resultCode: ResultCode(rawValue: bindFailure), message: "a value could not be bound", sql: statement.sql)
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}

/// SQLite's "copy the bytes now" destructor for `sqlite3_bind_text` (a C macro Swift cannot import).
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
