import DeckML
/// A short message shown for a few seconds in the bottom-right corner.
public struct Toast: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case info, success, error }
    public var message: String
    public var kind: Kind
    /// Seconds it stays up.
    public var duration: Double
    /// When it was posted (seconds on a monotonic clock, see ``Toast/now()``).
    public var postedAt: Double

    public init(_ message: String, kind: Kind = .info, duration: Double = 3, postedAt: Double = Toast.now()) {
        self.message = message; self.kind = kind; self.duration = duration; self.postedAt = postedAt
    }

    public func isExpired(at time: Double) -> Bool { time - postedAt >= duration }

    /// Monotonic seconds.
    public static func now() -> Double {
        (ContinuousClock.now - Toast.epoch).inSeconds
    }
    private static let epoch = ContinuousClock.now

    /// Draws the toast at the bottom-right of `region` (up to 3 wrapped lines, ≤ 60 columns).
    public func render(into region: Region, theme: Theme) {
        let maxW = min(60, region.width - 2)
        guard maxW > 4 else { return }
        let icon = kind == .error ? "✗ " : (kind == .success ? "✓ " : "• ")
        let lines = Array(TextWrap.wrap(icon + message, width: maxW - 2).prefix(3))
        let w = (lines.map(\.displayWidth).max() ?? 0) + 2
        let h = lines.count
        let r = region.sub(Rect(x: region.width - w - 1, y: region.height - h, width: w, height: h))
        let st = theme[kind == .error ? .toastError : .toastInfo]
        r.fill(style: st)
        for (i, l) in lines.enumerated() { r.put(l, at: Point(x: 1, y: i), style: st) }
    }
}
