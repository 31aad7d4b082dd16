import DeckStore
import Foundation

/// Text pieces shared by the datasets commands.
enum DatasetText {
    /// `csv, 7043 rows × 21 columns, 836.1 KiB`, `directory, 120 files, 3.2 MiB`, `file, 1.0 GiB`.
    static func sizeLine(_ v: DatasetVersionRecord) -> String {
        var parts = [v.format.rawValue]
        if let rows = v.rows, let columns = v.columns { parts.append("\(rows) rows × \(columns) columns") }
        if v.format == .directory { parts.append("\(v.fileCount) file\(v.fileCount == 1 ? "" : "s")") }
        parts.append(Formatting.bytes(v.logicalBytes))
        return parts.joined(separator: ", ")
    }

    /// `k=v, k2=v2` sorted by key.
    static func tags(_ tags: [String: String]) -> String {
        tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    /// A message cut to `width` characters on one line.
    static func short(_ text: String, width: Int = 48) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return line.count > width ? String(line.prefix(width - 1)) + "…" : line
    }

    /// A number for a statistics cell, or `-`.
    static func stat(_ value: Double?) -> String { value.map(Formatting.number) ?? "-" }
}
