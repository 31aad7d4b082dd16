/// Scroll position and search of a ``ScrollText`` (e.g. a run's log).
public struct ScrollTextState: Sendable, Equatable {
    /// First visible line.
    public var top: Int = 0
    /// Columns scrolled off to the left.
    public var left: Int = 0
    /// Keep showing the end as lines are appended (like `tail -f`); turned off by scrolling up.
    public var follow: Bool = false
    /// The current search (case-insensitive), or nil.
    public private(set) var query: String? = nil
    /// Matches as (line, character offset, length in characters), in reading order.
    public private(set) var matches: [TextMatch] = []
    /// Index into `matches` of the current match.
    public private(set) var currentMatch: Int? = nil
    public var visibleRows: Int = 10

    public init(follow: Bool = false) { self.follow = follow }

    /// Searches `lines` for `query` (case-insensitive) and jumps to the first match at or after
    /// the top line. An empty query clears the search.
    public mutating func search(_ query: String, in lines: [String]) {
        guard !query.isEmpty else { self.query = nil; matches = []; currentMatch = nil; return }
        self.query = query
        matches = TextMatch.find(query, in: lines)
        currentMatch = matches.firstIndex { $0.line >= top } ?? (matches.isEmpty ? nil : 0)
        revealCurrent()
    }

    /// Re-runs the search after the text changed (keeps the current match index when possible).
    public mutating func refreshSearch(in lines: [String]) {
        guard let q = query else { return }
        let keep = currentMatch
        matches = TextMatch.find(q, in: lines)
        currentMatch = matches.isEmpty ? nil : min(keep ?? 0, matches.count - 1)
    }

    /// `n`: the next match (wrapping).
    public mutating func nextMatch() {
        guard !matches.isEmpty else { return }
        currentMatch = ((currentMatch ?? -1) + 1) % matches.count
        revealCurrent()
    }

    /// `N`: the previous match (wrapping).
    public mutating func previousMatch() {
        guard !matches.isEmpty else { return }
        currentMatch = ((currentMatch ?? 0) - 1 + matches.count) % matches.count
        revealCurrent()
    }

    private mutating func revealCurrent() {
        guard let c = currentMatch else { return }
        let line = matches[c].line
        follow = false
        if line < top || line >= top + visibleRows { top = max(0, line - visibleRows / 2) }
    }

    /// Scrolling keys of ``TextNavigation/all`` (↑/↓/j/k, PgUp/PgDn, ctrl-u/d, g/G — G also
    /// turns follow on — ←/→, n/N) and the mouse wheel. Returns whether the key was used.
    public mutating func handle(_ key: Key, lineCount: Int) -> Bool {
        if let nav = TextNavigation.all.first(where: { $0.keys.contains(key) }) {
            nav.apply(&self, lineCount)
            return true
        }
        let maxTop = max(0, lineCount - visibleRows)
        switch key {
        case .mouse(let m) where m.kind == .wheelDown: top = min(top + 3, maxTop)
        case .mouse(let m) where m.kind == .wheelUp: top = max(0, top - 3); follow = false
        default: return false
        }
        return true
    }
}

/// The keys that scroll a text (a log, a detail page), declared once: ``ScrollTextState`` applies
/// them and ``KeyBinding/textNavigation(group:except:perform:)`` lists them.
public struct TextNavigation: Sendable {
    public var keys: [Key]
    public var description: String
    let apply: @Sendable (inout ScrollTextState, _ lineCount: Int) -> Void

    private static func maxTop(_ s: ScrollTextState, _ lines: Int) -> Int { max(0, lines - s.visibleRows) }

    /// Every scrolling key, in the order help lists them.
    public static let all: [TextNavigation] = [
        TextNavigation(keys: [.char("j"), .down], description: "Scroll down") { s, n in s.top = min(s.top + 1, maxTop(s, n)) },
        TextNavigation(keys: [.char("k"), .up], description: "Scroll up") { s, _ in s.top = max(0, s.top - 1); s.follow = false },
        TextNavigation(keys: [.pageDown, .char(" "), .ctrl("f")], description: "Page down") { s, n in s.top = min(s.top + s.visibleRows, maxTop(s, n)) },
        TextNavigation(keys: [.pageUp, .ctrl("b")], description: "Page up") { s, _ in s.top = max(0, s.top - s.visibleRows); s.follow = false },
        TextNavigation(keys: [.ctrl("d")], description: "Half a page down") { s, n in s.top = min(s.top + s.visibleRows / 2, maxTop(s, n)) },
        TextNavigation(keys: [.ctrl("u")], description: "Half a page up") { s, _ in s.top = max(0, s.top - s.visibleRows / 2); s.follow = false },
        TextNavigation(keys: [.char("g"), .home], description: "Top") { s, _ in s.top = 0; s.follow = false },
        TextNavigation(keys: [.char("G"), .end], description: "Bottom (and follow new lines)") { s, n in s.top = maxTop(s, n); s.follow = true },
        TextNavigation(keys: [.char("l"), .right], description: "Scroll right") { s, _ in s.left += 8 },
        TextNavigation(keys: [.char("h"), .left], description: "Scroll left") { s, _ in s.left = max(0, s.left - 8) },
        TextNavigation(keys: [.char("n")], description: "Next match") { s, _ in s.nextMatch() },
        TextNavigation(keys: [.char("N")], description: "Previous match") { s, _ in s.previousMatch() },
    ]
}

extension KeyBinding {
    /// Bindings for ``TextNavigation/all``; `perform` applies the pressed key to the view's text.
    /// Keys in `except` are left out (`n`/`N` where there is no search).
    public static func textNavigation(group: String = "Navigation", except: Set<Key> = [],
                                      perform: @escaping @MainActor @Sendable (Key) -> Effect?) -> [KeyBinding] {
        TextNavigation.all.compactMap { nav in
            let keys = nav.keys.filter { !except.contains($0) }
            guard let first = keys.first else { return nil }
            return KeyBinding(first, nav.description, group: group, also: Array(keys.dropFirst())) { perform(first) }
        }
    }
}

/// A search hit in a list of lines.
public struct TextMatch: Sendable, Equatable {
    public var line: Int
    /// Offset in characters from the start of the line.
    public var offset: Int
    public var length: Int

    /// Every case-insensitive occurrence of `query` in `lines`.
    public static func find(_ query: String, in lines: [String]) -> [TextMatch] {
        let q = Array(query.lowercased())
        guard !q.isEmpty else { return [] }
        var out: [TextMatch] = []
        for (ln, line) in lines.enumerated() {
            let chars = Array(line.lowercased())
            guard chars.count >= q.count else { continue }
            var i = 0
            while i <= chars.count - q.count {
                if chars[i] == q[0] && Array(chars[i..<(i + q.count)]) == q {
                    out.append(TextMatch(line: ln, offset: i, length: q.count)); i += q.count
                } else { i += 1 }
            }
        }
        return out
    }
}

/// A scrolling view of text lines (logs, YAML, reports) with highlighted search matches: every
/// match in `match`, the current one in `match.current`. A scroll indicator sits on the last
/// column when the text is longer than the view.
public struct ScrollText {
    public var lines: [String]
    public var slot: ThemeSlot
    /// Optional style per line (e.g. red for lines containing "error").
    public var lineSlot: ((Int, String) -> ThemeSlot?)?

    public init(lines: [String], slot: ThemeSlot = .text, lineSlot: ((Int, String) -> ThemeSlot?)? = nil) {
        self.lines = lines; self.slot = slot; self.lineSlot = lineSlot
    }

    public func render(into region: Region, state: inout ScrollTextState, theme: Theme) {
        guard region.width > 0, region.height > 0 else { return }
        state.visibleRows = region.height
        let maxTop = max(0, lines.count - region.height)
        if state.follow { state.top = maxTop }
        state.top = min(max(0, state.top), maxTop)
        let showBar = lines.count > region.height && region.width > 2
        let textW = region.width - (showBar ? 1 : 0)
        let base = theme[slot]
        region.fill(style: base)
        let last = min(lines.count, state.top + region.height)
        for i in state.top..<max(state.top, last) {
            let y = i - state.top
            let line = lines[i]
            let st = lineSlot?(i, line).map { theme[$0] } ?? base
            let chars = Array(line)
            let visible = state.left < chars.count ? String(chars[state.left...]) : ""
            region.put(visible, at: Point(x: 0, y: y), style: st, maxWidth: textW)
            // Highlight matches on this line.
            for (mi, m) in state.matches.enumerated() where m.line == i {
                let mstyle = mi == state.currentMatch ? theme[.matchCurrent] : theme[.match]
                let startCol = String(chars[min(state.left, chars.count)..<min(max(m.offset, state.left), chars.count)]).displayWidth
                var x = m.offset >= state.left ? startCol : 0
                let from = max(m.offset, state.left)
                guard from < m.offset + m.length else { continue }
                for ci in from..<min(m.offset + m.length, chars.count) {
                    let w = CharWidth.width(of: chars[ci])
                    if x + w > textW { break }
                    region.restyle(x: x, y: y) { _ in mstyle }
                    x += w
                }
            }
        }
        if showBar {
            let h = region.height
            let thumbH = max(1, h * h / max(1, lines.count))
            let thumbY = maxTop == 0 ? 0 : (h - thumbH) * state.top / maxTop
            for y in 0..<h {
                region.set(y >= thumbY && y < thumbY + thumbH ? "┃" : "│", x: region.width - 1, y: y,
                           style: theme[.border])
            }
        }
    }
}
