import DeckInput
import DeckML
import DeckStore
import Foundation

/// One side of a drift report: a table file, or a dataset version of the workspace.
public enum DriftSource: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    case dataset(DatasetReference)

    /// A path that exists is a file; otherwise `NAME@VERSION` (or a bare `NAME` without a path
    /// separator or extension) names a dataset version.
    public init(parsing text: String) throws {
        if FileManager.default.fileExists(atPath: text) || text.contains("/") || !text.contains("@") && text.contains(".") {
            self = .file(text)
            return
        }
        do {
            self = .dataset(try DatasetReference(parsing: text))
        } catch {
            throw DriftReportError.badSource(text)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): return path
        case .dataset(let reference): return reference.description
        }
    }

    public var needsWorkspace: Bool { if case .dataset = self { return true } else { return false } }
}

/// Why a drift report could not be made, in words naming the file or column.
public enum DriftReportError: Error, CustomStringConvertible, CategorizedError {
    case badSource(String)
    case input(InputFileError)
    case unreadable(String, reason: String)
    case noCommonColumns(reference: String, current: String)
    case column(String)
    case notATable(String)

    public var description: String {
        switch self {
        case .badSource(let text):
            return "'\(text)' is neither a file nor a dataset version (give a CSV path or NAME@VERSION)"
        case .input(let error): return "\(error)"
        case .unreadable(let source, let reason): return "\(source): \(reason)"
        case .noCommonColumns(let r, let c): return "\(r) and \(c) have no column in common"
        case .column(let message): return message
        case .notATable(let source): return "\(source) is not a table (CSV, TSV or JSON Lines)"
        }
    }

    public var category: ErrorCategory {
        switch self {
        case .badSource, .noCommonColumns, .column, .notATable: return .invalidArgument
        case .unreadable: return .unavailable
        case .input(let error):
            if case .notFound = error { return .notFound }
            return .invalidArgument
        }
    }
}

/// Makes a ``DriftReport`` between two tables: reads each side (a file through ``InputFile`` and
/// DeckML's table reader, or a dataset version materialized from the workspace), infers column
/// types, and runs ``DriftDetector``.
public enum DriftReportBuilder {
    /// The tables and how long reading them took.
    public struct Loaded: Sendable {
        public var reference: DataTable
        public var current: DataTable
        public var readSeconds: Double
    }

    /// Reads one side.
    public static func load(_ source: DriftSource, store: DeckStore?) throws -> DataTable {
        let path: String
        switch source {
        case .file(let p):
            do { try InputFile.checkRegular(p) } catch let error as InputFileError { throw DriftReportError.input(error) }
            path = p
        case .dataset(let reference):
            guard let store else { throw DriftReportError.badSource(reference.description) }
            let record = try store.datasetVersion(reference)
            guard record.format != .directory else { throw DriftReportError.notATable(reference.description) }
            path = try DatasetMaterializer(store: store).path(for: record).path
        }
        do {
            return try DataTable.load(path: path)
        } catch let error as TableParseError {
            throw DriftReportError.unreadable(source.description, reason: "\(error)")
        }
    }

    /// The report between `reference` and `current`.
    public static func report(reference: DataTable, current: DataTable, referenceName: String = "the reference",
                              currentName: String = "the current data", options: DriftOptions = DriftOptions()) throws -> DriftReport {
        let names: [String]
        do {
            names = try DriftInputBuilder.columnNames(reference: reference, current: current, columns: options.columns)
        } catch let error as DriftError {
            throw DriftReportError.column(describe(error, referenceName, currentName))
        }
        if names.isEmpty { throw DriftReportError.noCommonColumns(reference: referenceName, current: currentName) }
        for name in options.perColumn.keys where !names.contains(name) {
            throw DriftReportError.column("--test names column '\(name)', which is not compared (not in both tables or not in --columns)")
        }
        let built = try DriftInputBuilder.inputs(reference: reference, current: current, columns: names)
        do {
            var report = try DriftDetector.report(built.inputs, options: options)
            report.referenceRows = reference.rowCount
            report.currentRows = current.rowCount
            report.notCompared = built.skipped
            return report
        } catch let error as DriftError {
            throw DriftReportError.column(describe(error, referenceName, currentName))
        }
    }

    /// Reads both sides and makes the report.
    public static func report(reference: DriftSource, current: DriftSource, store: DeckStore?,
                              options: DriftOptions = DriftOptions()) throws -> DriftReport {
        let r = try load(reference, store: store)
        let c = try load(current, store: store)
        return try report(reference: r, current: c, referenceName: reference.description, currentName: current.description, options: options)
    }

    static func describe(_ error: DriftError, _ referenceName: String, _ currentName: String) -> String {
        switch error {
        case .unknownColumn(let c, let side): return "column '\(c)' is not in \(side == "reference" ? referenceName : currentName)"
        default: return "\(error)"
        }
    }
}
