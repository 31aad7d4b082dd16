/// Decides when a failed reload of the served alias is worth a warning. ``AliasWatcher`` checks
/// every 100 ms after a commit (and every 5 s regardless), so a version that cannot be loaded
/// would print the same line again at each check until the alias moves; a server's log should
/// say it once, and again only when something changed: another version, another reason, or a
/// success in between.
struct ReloadWarnings {
    private var last: (version: Int?, message: String)?

    /// True when this failure should be told: it is not the one told last.
    mutating func isNew(version: Int?, message: String) -> Bool {
        if let last, last.version == version, last.message == message { return false }
        last = (version, message)
        return true
    }

    /// A check that did not fail: the next failure is news again.
    mutating func clear() { last = nil }
}
