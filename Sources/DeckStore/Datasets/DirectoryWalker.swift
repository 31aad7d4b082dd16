import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Lists the regular files under a folder (recursively, `readdir` with `d_type`, no per-entry
/// Foundation objects). Symbolic links to files are followed; links to folders, sockets, devices and
/// `.mldeck` folders are skipped and reported.
enum DirectoryWalker {
    struct File {
        /// Path relative to the root, `/`-separated.
        var relative: String
        /// Absolute path.
        var absolute: String
    }

    static func files(under root: String) throws -> (files: [File], skipped: [String]) {
        var files: [File] = []
        var skipped: [String] = []
        try walk(root, prefix: "", into: &files, skipped: &skipped)
        return (files, skipped)
    }

    private static func walk(_ folder: String, prefix: String, into files: inout [File], skipped: inout [String]) throws {
        guard let dir = opendir(folder) else { throw DatasetError.io(path: folder, operation: "opendir", errno: errno) }
        defer { closedir(dir) }
        var subfolders: [(String, String)] = []
        while let entry = readdir(dir) {
            let type = entry.pointee.d_type
            let nameOrNil: String? = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { String(validatingCString: $0) }
            }
            guard let name = nameOrNil else {
                skipped.append("\(prefix)<name that is not valid UTF-8>: skipped (rename it)")
                continue
            }
            if name == "." || name == ".." { continue }
            let absolute = folder + "/" + name
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            var kind = type
            if kind == 0 || kind == 10 {  // DT_UNKNOWN, DT_LNK: ask stat (following links)
                var info = stat()
                if stat(absolute, &info) != 0 { skipped.append("\(relative): dangling link, skipped"); continue }
                let format = info.st_mode & S_IFMT
                if format == S_IFREG { kind = 8 } else if format == S_IFDIR { kind = type == 10 ? 255 : 4 } else { kind = 1 }
            }
            switch kind {
            case 8:
                if prefix.isEmpty && name == SafeOutput.markerName && SafeOutput.isMarker(atPath: absolute) { skipped.append("\(relative): mldeck export marker, skipped"); continue }
                files.append(File(relative: relative, absolute: absolute))
            case 4:
                if name == ".mldeck" { skipped.append("\(relative): MLDeck workspace state, skipped"); continue }
                subfolders.append((absolute, relative))
            case 255: skipped.append("\(relative): link to a folder, skipped")
            default: skipped.append("\(relative): not a regular file, skipped")
            }
        }
        for (absolute, relative) in subfolders { try walk(absolute, prefix: relative, into: &files, skipped: &skipped) }
    }
}
