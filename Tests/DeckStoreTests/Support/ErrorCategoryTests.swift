@testable import DeckStore
import DeckTestSupport
import GRDB
import XCTest

/// Every error type DeckStore throws says what kind of failure it is, so a server maps it to an
/// HTTP status (or MLflow's error code) without reading its message.
final class ErrorCategoryTests: XCTestCase {
    let object = ObjectID(hex: String(repeating: "ab", count: 32))!

    /// One representative case per error type (and per SQLite result code the store maps), with
    /// the category a server relies on.
    var cases: [(String, CategorizedError, ErrorCategory)] {
        [
            ("run not found", TrackingError.runNotFound("abc"), .notFound),
            ("artifact not found", TrackingError.artifactNotFound(run: "abc", path: "m.bin"), .notFound),
            ("param changed", TrackingError.paramChanged(run: "abc", key: "lr", old: "1", new: "2"), .conflict),
            ("run ended", TrackingError.runEnded(run: "abc", status: .finished), .conflict),
            ("invalid key", TrackingError.invalidKey(""), .invalidArgument),
            ("dataset not found", DatasetError.datasetNotFound("churn"), .notFound),
            ("dataset version not found", DatasetError.versionNotFound("churn@9"), .notFound),
            ("bad dataset name", DatasetError.invalidName("a b", reason: "spaces"), .invalidArgument),
            ("export destination exists", DatasetError.destinationExists("/tmp/x"), .alreadyExists),
            ("dataset has dependents", DatasetError.hasDependents(reference: "churn@1", dependents: ["m@1"]), .conflict),
            ("dataset bytes damaged", DatasetError.verificationFailed(reference: "churn@1", reason: "hash"), .corrupt),
            ("unknown model", ModelRegistryError.unknownModel("m", known: []), .notFound),
            ("unknown alias", ModelRegistryError.unknownAlias(model: "m", alias: "prod", known: []), .notFound),
            ("bad model reference", ModelRegistryError.badReference("m@@"), .invalidArgument),
            ("model object missing", ModelRegistryError.missingObject(model: "m", object: "ab", role: "model"), .corrupt),
            ("object missing", ObjectStoreError.missing(object, path: "/x"), .corrupt),
            ("alert not found", AlertError.notFound(id: 9), .notFound),
            ("bad alert", AlertError.invalid(field: "model", reason: "is empty"), .invalidArgument),
            ("object read-only", ObjectStoreError.readOnly(path: "/x"), .unavailable),
            ("filter too complex", RunQueryError.filterTooComplex(filter: "((((a"), .invalidArgument),
            ("filter syntax", FilterError("unexpected )", column: 3, expression: "a = 1)"), .invalidArgument),
            ("no workspace", WorkspaceError.notFound(start: "/tmp"), .notFound),
            ("workspace exists", WorkspaceError.alreadyExists(path: "/tmp/w"), .alreadyExists),
            ("workspace busy", WorkspaceError.busy(path: "/tmp/w", seconds: 30), .busy),
            ("database corrupt", WorkspaceError.databaseCorrupt(path: "/tmp/w"), .corrupt),
            ("damaged record", WorkspaceError.damagedRecord(reference: "run abc", reason: "x"), .corrupt),
            ("workspace read-only", WorkspaceError.readOnly(path: "/tmp/w"), .unavailable),
            ("file system", FileSystemError(path: "/x", operation: "write", reason: "disk full"), .unavailable),
            ("output exists", OutputPathError.exists(path: "/tmp/out"), .alreadyExists),
            ("output changed", OutputPathError.changed(path: "/tmp/out"), .conflict),
            ("SQLite BUSY", sqlite(.SQLITE_BUSY), .busy),
            ("SQLite LOCKED", sqlite(.SQLITE_LOCKED), .busy),
            ("SQLite CORRUPT", sqlite(.SQLITE_CORRUPT), .corrupt),
            ("SQLite NOTADB", sqlite(.SQLITE_NOTADB), .corrupt),
            ("SQLite READONLY", sqlite(.SQLITE_READONLY), .unavailable),
            ("SQLite FULL", sqlite(.SQLITE_FULL), .unavailable),
            ("SQLite IOERR", sqlite(.SQLITE_IOERR), .unavailable),
            ("SQLite CONSTRAINT", sqlite(.SQLITE_CONSTRAINT), .conflict),
            ("SQLite TOOBIG", sqlite(.SQLITE_TOOBIG), .invalidArgument),
            ("SQLite ERROR", sqlite(.SQLITE_ERROR), .unavailable),
        ]
    }

    /// The error the store shows for a GRDB error with this result code.
    func sqlite(_ code: ResultCode) -> CategorizedError {
        let mapped = DeckStore.userFacing(DatabaseError(resultCode: code, message: "no such table: secret_sql"), workspace: "/tmp/w")
        guard let categorized = mapped as? CategorizedError else {
            XCTFail("SQLite \(code) maps to an uncategorized \(type(of: mapped))")
            return WorkspaceError.notFound(start: "unmapped")
        }
        return categorized
    }

    func testEveryErrorTypeCarriesItsCategory() {
        for (name, error, expected) in cases {
            XCTAssertEqual(error.category, expected, name)
        }
        // Every category a server maps is reachable from some DeckStore error.
        let reached = Set(cases.map(\.2))
        XCTAssertEqual(reached, Set(ErrorCategory.allCases))
    }

    func testMappedSQLiteErrorsNeverShowSQL() {
        for code: ResultCode in [.SQLITE_ERROR, .SQLITE_CONSTRAINT, .SQLITE_TOOBIG, .SQLITE_BUSY] {
            let text = "\(sqlite(code))"
            XCTAssertFalse(text.contains("secret_sql"), text)
            XCTAssertTrue(text.contains("/tmp/w"), text)
        }
    }

    /// A store call's SQLite failure comes out categorized: a read-only store refuses a write
    /// with `unavailable`, an unknown run is `notFound`.
    func testStoreCallsThrowCategorizedErrors() throws {
        let ws = try TemporaryWorkspace(prefix: "mldeck-category")
        defer { ws.cleanup() }
        XCTAssertThrowsError(try ws.store.resolveRun("ffffffff")) { error in
            XCTAssertEqual((error as? CategorizedError)?.category, .notFound)
        }
        let readOnly = try DeckStore.open(Workspace(root: ws.root), access: .readOnly)
        XCTAssertThrowsError(try readOnly.createRun(RunStart())) { error in
            XCTAssertEqual((error as? CategorizedError)?.category, .unavailable)
        }
    }
}
