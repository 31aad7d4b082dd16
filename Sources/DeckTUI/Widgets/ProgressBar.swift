/// A horizontal progress bar drawn with eighth blocks (`█████▍   `), optionally followed by a
/// label such as `45%`.
public struct ProgressBar {
    /// 0…1 (clamped); nil draws an empty, indeterminate bar.
    public var fraction: Double?
    /// Text after the bar; `nil` shows the percentage.
    public var label: String?
    public var showLabel: Bool

    public init(fraction: Double?, label: String? = nil, showLabel: Bool = true) {
        self.fraction = fraction; self.label = label; self.showLabel = showLabel
    }

    /// The bar glyphs for `width` columns.
    public static func bar(fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let eighths = Int((f * Double(width * 8)).rounded())
        let full = eighths / 8, part = eighths % 8
        var s = String(repeating: "█", count: full)
        if full < width {
            s.append(BlockGlyphs.horizontalEighths[part])
            s += String(repeating: " ", count: width - full - 1)
        }
        return s
    }

    var labelText: String {
        if let label { return label }
        guard let fraction else { return "" }
        let pct = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
        return "\(pct)%"
    }

    /// Draws on row 0 of `region`: the bar, then a space and the label (right-aligned, 4+ cols).
    public func render(into region: Region, theme: Theme, barSlot: ThemeSlot = .progress,
                       background: Color? = nil) {
        guard region.width > 0, region.height > 0 else { return }
        var text = showLabel ? labelText : ""
        if text.displayWidth >= region.width { text = "" }
        let labelWidth = text.isEmpty ? 0 : max(4, text.displayWidth) + 1
        let barWidth = region.width - labelWidth
        var barStyle = theme[barSlot]
        var trackStyle = theme[.progressTrack]
        var labelStyle = theme[.text]
        if let background { barStyle.bg = background; trackStyle.bg = background; labelStyle.bg = background }
        if barWidth > 0 {
            let bar = ProgressBar.bar(fraction: fraction ?? 0, width: barWidth)
            // The unfilled part gets the track style (a dotted track is visible even without colour).
            var x = 0
            for ch in bar {
                if ch == " " { region.set("·", x: x, y: 0, style: trackStyle) } else { region.set(ch, x: x, y: 0, style: barStyle) }
                x += 1
            }
        }
        if labelWidth > 0 {
            region.put(" " + text.padded(toWidth: labelWidth - 1, alignRight: true),
                       at: Point(x: max(0, barWidth), y: 0), style: labelStyle)
        }
    }
}
