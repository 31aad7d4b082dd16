/// The `?` cheatsheet: bindings grouped by ``KeyBinding/group`` in a centred box, disabled ones
/// dimmed with their reason. Scrolls with ↑/↓ when it does not fit.
public struct HelpOverlay: Sendable, Equatable {
    public var groups: [(String, [KeyBinding])] { _groups.map { ($0.name, $0.bindings) } }
    struct Group: Sendable, Equatable { var name: String; var bindings: [KeyBinding] }
    private var _groups: [Group]
    public var readOnly: Bool
    public var scroll: Int = 0
    public var title: String

    /// Groups `bindings` by group, keeping first-seen order; later duplicates of a key are dropped.
    public init(bindings: [KeyBinding], readOnly: Bool = false, title: String = "Keys") {
        var order: [String] = []
        var by: [String: [KeyBinding]] = [:]
        var seen = Set<Key>()
        for b in bindings where !seen.contains(b.key) {
            seen.insert(b.key)
            if by[b.group] == nil { order.append(b.group) }
            by[b.group, default: []].append(b)
        }
        _groups = order.map { Group(name: $0, bindings: by[$0]!) }
        self.readOnly = readOnly
        self.title = title
    }

    /// The lines of the cheatsheet: (text, slot).
    public func lines(width: Int) -> [(String, ThemeSlot)] {
        let keyW = min(12, _groups.flatMap(\.bindings).map { $0.keysText.displayWidth }.max() ?? 4)
        var out: [(String, ThemeSlot)] = []
        for (gi, g) in _groups.enumerated() {
            if gi > 0 { out.append(("", .text)) }
            out.append((g.name, .title))
            for b in g.bindings {
                let refusal = b.refusal(readOnly: readOnly)
                var text = b.keysText.padded(toWidth: keyW) + "  " + b.description
                if let refusal { text += "  (\(refusal))" }
                out.append((text, refusal == nil ? .text : .disabled))
            }
        }
        return out
    }

    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .down, .char("j"): scroll += 1
        case .up, .char("k"): scroll = max(0, scroll - 1)
        case .pageDown: scroll += 10
        case .pageUp: scroll = max(0, scroll - 10)
        default: return false
        }
        return true
    }

    public mutating func render(into region: Region, theme: Theme) {
        let w = min(region.width - 2, 84)
        let content = lines(width: w - 4)
        let h = min(region.height - 2, content.count + 3)
        guard w > 10, h > 3 else { return }
        let r = region.sub(region.bounds.centered(Size(width: w, height: h)))
        let st = theme[.dialog]
        r.fill(style: st)
        let inner = r.drawBox(.rounded, style: theme[.borderFocused].withBackground(st.bg),
                              title: title, titleStyle: theme[.dialogTitle])
        let rows = inner.height - 1
        scroll = min(scroll, max(0, content.count - rows))
        for (i, line) in content.dropFirst(scroll).prefix(rows).enumerated() {
            inner.put(line.0, at: Point(x: 1, y: i), style: theme[line.1].withBackground(st.bg),
                      maxWidth: inner.width - 2)
        }
        let more = content.count > rows ? "↑↓ scroll  " : ""
        inner.put("\(more)esc close", at: Point(x: 1, y: inner.height - 1), style: theme[.textDim].withBackground(st.bg))
    }
}
