import DeckStore
import Foundation

/// The code lineage of a tracked command, as pipeline runs record theirs: a hash of the code
/// that ran (the command line and the content of every argument that names a file in the
/// workspace — `train.py` in `python3 train.py --lr 0.1`), and git's commit and dirty flag.
/// Two runs with the same code hash ran the same script text with the same arguments.
public enum CommandCodeLineage {
    /// Files larger than this are named in the hash but not read (a data file passed as an argument).
    static let maxHashedFileBytes: Int64 = 16 << 20

    /// The code hash of `arguments` run from `directory` in the workspace at `root`, and the
    /// workspace-relative files it covers.
    public static func codeHash(arguments: [String], directory: URL, root: URL) -> (hash: String, files: [String]) {
        var text = arguments.joined(separator: "\u{0}")
        var files: [String] = []
        let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
        for argument in arguments where !argument.hasPrefix("-") {
            let url = URL(fileURLWithPath: argument, relativeTo: directory).standardizedFileURL.resolvingSymlinksInPath()
            guard url.path.hasPrefix(rootPath + "/"), !url.path.contains("/.mldeck/") else { continue }
            var info = stat()
            guard stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }  // never open a FIFO or device
            let relative = String(url.path.dropFirst(rootPath.count + 1))
            if Int64(info.st_size) <= maxHashedFileBytes, let content = try? Data(contentsOf: url) {
                text += "\n\(relative)=\(ObjectID.of(content).hex)"
            } else {
                text += "\n\(relative) (\(info.st_size) bytes, not read)"
            }
            files.append(relative)
        }
        return (ObjectID.of(Data(text.utf8)).hex, files)
    }
}
