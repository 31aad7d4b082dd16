/// Reads the theme file format:
///
/// ```
/// # comment
/// name = Tokyo Night            # optional display name
/// selection = #c0caf5 on #3b4261 bold
/// selection.bg = #3b4261        # one part of a slot: .fg, .bg or .attrs
/// status.running = #7aa2f7
/// chart.axis = 244              # a 256-colour index
/// error = bright-red            # a colour name
/// ```
///
/// A value for a bare slot is `FG [on BG] [ATTR...]`; any part may be left out, `default` is the
/// terminal's own colour. Errors name file and line; a file with errors still yields the lines
/// that were good.
public enum ThemeParser {
    /// Parses `text` (the content of `file`). Returns the definition and the errors found.
    public static func parse(_ text: String, file: String, defaultName: String) -> (ThemeDefinition, [ThemeError]) {
        var def = ThemeDefinition(name: defaultName)
        var errors: [ThemeError] = []
        var lineNo = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(rawLine)
            if let hash = commentStart(line) { line = line[..<hash] }
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                errors.append(ThemeError(file: file, line: lineNo, kind: .missingEquals)); continue
            }
            let key = trimmed[..<eq].trimmingSpaces().lowercased()
            let value = trimmed[trimmed.index(after: eq)...].trimmingSpaces()
            if key == "name" { def.name = value; continue }
            if value.isEmpty {
                errors.append(ThemeError(file: file, line: lineNo, kind: .badValue(""))); continue
            }
            if let err = apply(key: key, value: value, to: &def) {
                errors.append(ThemeError(file: file, line: lineNo, kind: err))
            }
        }
        return (def, errors)
    }

    /// A `#` starts a comment at the start of a line, or when followed by a space (or the end of
    /// the line); otherwise it begins a colour such as `#3b4261`.
    private static func commentStart(_ line: Substring) -> Substring.Index? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.first == "#" { return trimmed.startIndex }
        var i = line.startIndex
        while i < line.endIndex {
            if line[i] == "#" {
                let next = line.index(after: i)
                if next == line.endIndex || line[next] == " " || line[next] == "\t" || line[next] == "#" { return i }
            }
            i = line.index(after: i)
        }
        return nil
    }

    private static func apply(key: String, value: String, to def: inout ThemeDefinition) -> ThemeError.Kind? {
        if let slot = ThemeSlot(rawValue: key) {
            guard let o = parseFull(value) else { return badValueKind(value) }
            var cur = def.overrides[slot] ?? SlotOverride()
            if let fg = o.fg { cur.fg = fg }
            if let bg = o.bg { cur.bg = bg }
            if let a = o.attributes { cur.attributes = a }
            def.overrides[slot] = cur
            return nil
        }
        for suffix in [".fg", ".bg", ".attrs"] where key.hasSuffix(suffix) {
            guard let slot = ThemeSlot(rawValue: String(key.dropLast(suffix.count))) else { break }
            var cur = def.overrides[slot] ?? SlotOverride()
            if suffix == ".attrs" {
                guard let a = TextAttributes.parse(value) else { return .badAttributes(value) }
                cur.attributes = a
            } else {
                guard let c = Color.parse(value) else { return .badColor(value) }
                if suffix == ".fg" { cur.fg = c } else { cur.bg = c }
            }
            def.overrides[slot] = cur
            return nil
        }
        return .unknownKey(key)
    }

    /// `FG [on BG] [ATTR...]`, or `on BG`, or just attributes.
    static func parseFull(_ value: String) -> SlotOverride? {
        var o = SlotOverride()
        var expectBg = false
        var attrs: TextAttributes? = nil
        for word in value.split(separator: " ") {
            let w = String(word)
            if w.lowercased() == "on" { if expectBg { return nil }; expectBg = true; continue }
            if expectBg {
                guard let c = Color.parse(w) else { return nil }
                o.bg = c; expectBg = false; continue
            }
            if o.fg == nil && o.bg == nil && attrs == nil, let c = Color.parse(w) { o.fg = c; continue }
            guard let a = TextAttributes.parse(w) else { return nil }
            attrs = (attrs ?? []).union(a)
        }
        if expectBg { return nil }
        o.attributes = attrs
        return o
    }

    private static func badValueKind(_ value: String) -> ThemeError.Kind {
        let words = value.split(separator: " ")
        if words.count == 1 {
            let w = String(words[0])
            return w.hasPrefix("#") || w.first?.isNumber == true ? .badColor(w) : .badValue(value)
        }
        return .badValue(value)
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
