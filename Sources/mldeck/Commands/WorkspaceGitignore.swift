import Foundation

/// Keeps the store out of git: `mldeck init` writes `.gitignore` with `.mldeck/`, or adds that
/// line to an existing `.gitignore` that lacks it (the file's other lines are kept as they are).
enum WorkspaceGitignore {
    static let entry = ".mldeck/"

    static func ensure(in root: URL) throws {
        let url = root.appendingPathComponent(".gitignore")
        var text = ""
        if FileManager.default.fileExists(atPath: url.path) {
            guard let existing = try? String(contentsOf: url, encoding: .utf8) else { return }
            let lines = existing.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            if lines.contains(where: { $0 == entry || $0 == ".mldeck" || $0 == "/.mldeck/" || $0 == "/.mldeck" }) { return }
            text = existing.isEmpty || existing.hasSuffix("\n") ? existing : existing + "\n"
        }
        text += "# MLDeck's store (datasets, runs, models): shared through MLDeck, not git\n\(entry)\n"
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
