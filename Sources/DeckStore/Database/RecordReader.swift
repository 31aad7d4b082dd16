import Foundation
import GRDB

/// A stored record that cannot be read back: which one (`dataset churn@2`, `run 3f2a9c1e (brave-owl)`)
/// and why, in words.
struct RecordDamage: Error, Sendable, Equatable {
    var reference: String
    var reason: String

    /// As the error a command shows when it needs this very record.
    var workspaceError: WorkspaceError { .damagedRecord(reference: reference, reason: reason) }
    /// As the warning a listing prints when it skips the record.
    var warning: String { "skipped \(reference): it is damaged (\(reason)); run `mldeck fsck` to list every damaged record" }
}

/// Reads the columns of one database row without trapping: a value of the wrong type or JSON
/// that does not decode throws ``RecordDamage`` naming the record and the column.
/// (GRDB's `row[i]` subscripts stop the process on a value they cannot convert.)
struct RecordReader {
    let row: Row
    /// Names the record; built only when a column turns out damaged (listings read thousands of rows).
    private let describe: () -> String
    var reference: String { describe() }

    init(row: Row, reference: @autoclosure @escaping () -> String) {
        self.row = row
        describe = reference
    }

    func value<T: DatabaseValueConvertible>(_ index: Int, _ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try optional(index, column, as: type) else {
            throw RecordDamage(reference: reference, reason: "its \(column) is empty")
        }
        return value
    }

    func optional<T: DatabaseValueConvertible>(_ index: Int, _ column: String, as type: T.Type = T.self) throws -> T? {
        let stored: DatabaseValue = row[index]
        if stored.isNull { return nil }
        guard let value = T.fromDatabaseValue(stored) else {
            throw RecordDamage(reference: reference, reason: "its \(column) holds \(Self.describe(stored)), not \(Self.kind(of: type))")
        }
        return value
    }

    /// JSON text in the column decoded as `T`; nil for NULL.
    func json<T: Decodable>(_ index: Int, _ column: String, as type: T.Type) throws -> T? {
        guard let text = try optional(index, column, as: String.self) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw RecordDamage(reference: reference, reason: "its \(column) is not valid JSON of the expected shape")
        }
    }

    static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "nothing"
        case .int64: return "a whole number"
        case .double: return "a number"
        case .string: return "text"
        case .blob(let data): return "\(data.count) bytes of binary data"
        }
    }

    static func kind<T>(of type: T.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is Data.Type: return "binary data"
        default: return "a whole number"
        }
    }
}
