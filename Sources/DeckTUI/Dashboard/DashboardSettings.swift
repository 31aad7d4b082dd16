import Foundation

/// What the dashboard remembers per workspace, in `.mldeck/ui.json`: the Runs table's columns
/// and sort. Unknown keys are kept out; a missing or unreadable file gives the defaults.
///
/// ```json
/// {"runs": {"columns": ["status", "name", "metrics.auc", "params.max_depth"], "sort": "metrics.auc DESC"}}
/// ```
public struct DashboardSettings: Codable, Sendable, Equatable {
    public struct Runs: Codable, Sendable, Equatable {
        /// Column spellings (`status`, `metrics.auc`, …); nil means "choose defaults".
        public var columns: [String]?
        /// The order in `mldeck runs list --order-by` form; nil means newest first.
        public var sort: String?
        public init(columns: [String]? = nil, sort: String? = nil) { self.columns = columns; self.sort = sort }
    }

    public var runs: Runs

    public init(runs: Runs = Runs()) { self.runs = runs }

    /// `.mldeck/ui.json` of a workspace state folder.
    public static func url(stateDirectory: URL) -> URL { stateDirectory.appendingPathComponent("ui.json") }

    /// Reads the settings; defaults when the file is missing or malformed.
    public static func load(from url: URL) -> DashboardSettings {
        guard let data = try? Data(contentsOf: url),
              let s = try? JSONDecoder().decode(DashboardSettings.self, from: data) else { return DashboardSettings() }
        return s
    }

    /// Writes the settings atomically (errors are ignored: remembering columns is a convenience).
    public func save(to url: URL) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return }
        try? data.write(to: url, options: .atomic)
    }
}
