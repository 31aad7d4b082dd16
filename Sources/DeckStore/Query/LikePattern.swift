/// SQL `LIKE` patterns (`%` any run, `_` one character), matched in memory or turned into GLOB.
enum LikePattern {
    /// The GLOB equivalent of a case-sensitive LIKE pattern (SQLite's LIKE ignores ASCII case).
    static func glob(fromLike pattern: String) -> String {
        var out = ""
        for c in pattern {
            switch c {
            case "%": out.append("*")
            case "_": out.append("?")
            case "*", "?", "[": out.append("[\(c)]")
            default: out.append(c)
            }
        }
        return out
    }

    /// `text` as a GLOB pattern that matches only itself.
    static func globEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "*" || c == "?" || c == "[" { out.append("[\(c)]") } else { out.append(c) }
        }
        return out
    }

    /// True when `text` matches the LIKE `pattern`.
    static func matches(_ text: String, pattern: String, caseInsensitive: Bool) -> Bool {
        let t = Array(caseInsensitive ? text.lowercased() : text)
        let p = Array(caseInsensitive ? pattern.lowercased() : pattern)
        var ti = 0, pi = 0, starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "_" || p[pi] == t[ti]) && p[pi] != "%" { ti += 1; pi += 1 }
            else if pi < p.count && p[pi] == "%" { starP = pi; starT = ti; pi += 1 }
            else if starP >= 0 { pi = starP + 1; starT += 1; ti = starT }
            else { return false }
        }
        while pi < p.count && p[pi] == "%" { pi += 1 }
        return pi == p.count
    }
}
