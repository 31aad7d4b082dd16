import ArgumentParser

/// `mldeck datasets …`
struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets", abstract: "Version datasets: add, list, show, diff, export, tag, remove.",
        discussion: """
        A version is named NAME (the latest), NAME@3 (by number) or NAME@sha256:9f2c (by a prefix of its
        content hash, which stays meaningful in another clone of the same data).
        """,
        subcommands: [DatasetsAdd.self, DatasetsList.self, DatasetsLog.self, DatasetsShow.self, DatasetsDiff.self,
                      DatasetsExport.self, DatasetsTag.self, DatasetsRemove.self],
        defaultSubcommand: DatasetsList.self)
}

/// A failure of a datasets command, with a message for the user (printed as `mldeck: error: …`, exit 1).
struct DatasetCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// `KEY=VALUE` arguments.
enum TagArguments {
    static func parse(_ items: [String]) throws -> [String: String] {
        var tags: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw DatasetCommandError("invalid tag '\(item)': expected KEY=VALUE")
            }
            tags[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return tags
    }
}
