/// The key-hint line: `/ filter  s sort  space mark … ? help  q quit`, built from bindings with
/// ``KeyBinding/shownInFooter``. Refused bindings (disabled, or dangerous in read-only mode) are
/// dimmed. When the hints do not fit, the last ones give way to `? more`.
public struct Footer {
    public var bindings: [KeyBinding]
    public var readOnly: Bool
    /// Text shown at the right end (e.g. `READ-ONLY`), or nil.
    public var status: String?

    public init(bindings: [KeyBinding], readOnly: Bool = false, status: String? = nil) {
        self.bindings = bindings; self.readOnly = readOnly; self.status = status
    }

    /// The hints that fit in `width` columns, as (key, label, enabled).
    public func hints(width: Int) -> [(String, String, Bool)] {
        let all = bindings.filter(\.shownInFooter).map { ($0.key.description, $0.footerLabel, $0.refusal(readOnly: readOnly) == nil) }
        func w(_ h: (String, String, Bool)) -> Int { h.0.displayWidth + 1 + h.1.displayWidth + 2 }
        var total = all.reduce(0) { $0 + w($1) }
        if total <= width { return all }
        let more = ("?", "more", true)
        var out: [(String, String, Bool)] = []
        total = w(more)
        for h in all {
            if total + w(h) > width { break }
            out.append(h); total += w(h)
        }
        return out + [more]
    }

    public func render(into region: Region, theme: Theme) {
        guard region.height > 0 else { return }
        let statusW = status.map { $0.displayWidth + 2 } ?? 0
        var x = 1
        for (k, label, enabled) in hints(width: region.width - 1 - statusW) {
            x += region.put(k, at: Point(x: x, y: 0), style: enabled ? theme[.footerKey] : theme[.disabled])
            x += 1
            x += region.put(label, at: Point(x: x, y: 0), style: enabled ? theme[.footer] : theme[.disabled])
            x += 2
        }
        if let status, statusW < region.width {
            region.put(status, at: Point(x: region.width - statusW + 1, y: 0), style: theme[.warning])
        }
    }
}
