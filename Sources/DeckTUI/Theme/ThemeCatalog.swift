import DeckStore
import DeckInput
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The result of loading a theme: the theme to use (the default one when loading failed) and
/// the problems to show the user.
public struct ThemeLoadResult: Sendable {
    public var theme: Theme
    public var errors: [ThemeError]
    /// The file the theme came from (nil for the built-in default).
    public var path: String?
}

/// Finds theme files (`NAME.theme`) and loads them.
///
/// Bundled themes are searched, in order, in: `$MLDECK_THEMES_DIR`; `themes/` next to the
/// executable; `../share/mldeck/themes` relative to the executable; the source tree's `themes/`
/// found by walking up from the executable. User themes live in `$XDG_CONFIG_HOME/mldeck/themes`
/// (`~/.config/mldeck/themes` when unset) and win over bundled ones of the same name.
public struct ThemeCatalog: Sendable {
    /// Bundled theme folders, first match wins.
    public var bundledDirectories: [String]
    /// The user's theme folder (searched before the bundled ones).
    public var userDirectory: String?

    public init(bundledDirectories: [String], userDirectory: String?) {
        self.bundledDirectories = bundledDirectories
        self.userDirectory = userDirectory
    }

    /// The standard search path for this process.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                executablePath: String? = currentExecutablePath()) -> ThemeCatalog {
        var dirs: [String] = []
        if let d = environment["MLDECK_THEMES_DIR"], !d.isEmpty { dirs.append(d) }
        if let exe = executablePath {
            let exeDir = (exe as NSString).deletingLastPathComponent
            dirs.append((exeDir as NSString).appendingPathComponent("themes"))
            dirs.append(((exeDir as NSString).appendingPathComponent("../share/mldeck/themes") as NSString).standardizingPath)
            var dir = exeDir
            for _ in 0..<8 {
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir || parent.isEmpty { break }
                dir = parent
                let candidate = (dir as NSString).appendingPathComponent("themes")
                if FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("default.theme")) {
                    dirs.append(candidate); break
                }
            }
        }
        var user: String? = nil
        if let x = environment["XDG_CONFIG_HOME"], !x.isEmpty {
            user = (x as NSString).appendingPathComponent("mldeck/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            user = (home as NSString).appendingPathComponent(".config/mldeck/themes")
        }
        return ThemeCatalog(bundledDirectories: dirs, userDirectory: user)
    }

    /// The running executable (`/proc/self/exe` on Linux), or nil.
    public static func currentExecutablePath() -> String? {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return Bundle.main.executablePath
    }

    private var searchDirectories: [String] { (userDirectory.map { [$0] } ?? []) + bundledDirectories }

    /// Names of every theme found (without `.theme`), sorted, `default` always included.
    public func availableThemes() -> [String] {
        var names: Set<String> = ["default"]
        for dir in searchDirectories {
            guard let items = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for f in items where f.hasSuffix(".theme") { names.insert(String(f.dropLast(6))) }
        }
        return names.sorted()
    }

    /// The file for a theme name (user folder first), or nil.
    public func path(for name: String) -> String? {
        for dir in searchDirectories {
            let p = (dir as NSString).appendingPathComponent("\(name).theme")
            if FileManager.default.isReadableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Loads a theme by name, or by path when `name` contains `/` or ends in `.theme`.
    /// Never fails: on errors the returned theme keeps the good lines (falling back to the default
    /// for the rest), and when the theme cannot be found or read it is the default theme.
    public func load(_ name: String) -> ThemeLoadResult {
        let isPath = name.contains("/") || name.hasSuffix(".theme")
        guard let file = isPath ? name : path(for: name) else {
            if name == "default" { return ThemeLoadResult(theme: .defaultTheme, errors: [], path: nil) }
            return ThemeLoadResult(theme: .defaultTheme,
                                   errors: [ThemeError(file: name, line: 0, kind: .notFound(name))], path: nil)
        }
        return Self.loadFile(file)
    }

    /// Loads one theme file (see ``load(_:)`` for the fallback rules).
    public static func loadFile(_ file: String) -> ThemeLoadResult {
        func unreadable(_ why: String) -> ThemeLoadResult {
            ThemeLoadResult(theme: .defaultTheme, errors: [ThemeError(file: file, line: 0, kind: .unreadable(why))], path: nil)
        }
        // What the path is, before opening it: a folder or a FIFO would fail or block.
        var info = stat()
        if stat(file, &info) != 0 { return unreadable(FileSystemError.reason(errno: errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return unreadable("it is a folder, not a regular file (give a NAME.theme file)")
        default:
            do { try InputFile.checkRegular(file) } catch { return unreadable("\(error)") }
            return unreadable("it is not a regular file")
        }
        let text: String
        do { text = try InputFile.readText(file) } catch {
            return unreadable("\(error)")
        }
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let (def, errors) = ThemeParser.parse(text, file: file, defaultName: base)
        return ThemeLoadResult(theme: Theme(def), errors: errors, path: file)
    }
}
