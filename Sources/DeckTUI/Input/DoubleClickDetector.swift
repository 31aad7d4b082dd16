/// Turns the second of two presses (or clicks) on the same cell within ``interval`` into a
/// double click.
///
/// The terminal session sets ncurses' `mouseinterval(0)` so that a press arrives at once
/// instead of after the click-resolution delay (166 ms by default) — but with it ncurses never
/// reports `BUTTON1_DOUBLE_CLICKED`. A real terminal (xterm under Xvfb) showed it: double clicks
/// selected a row and never opened it. This restores double clicks from the presses' timing.
/// (xterm's quick press-and-release arrives as one `BUTTON1_CLICKED`, a slow one as a press and
/// a release, so both count as a press here.)
public struct DoubleClickDetector: Sendable {
    /// Longest time between the two presses, in seconds (GTK's and xterm's default is 0.4–0.5).
    public var interval: Double
    private var lastPress: (x: Int, y: Int, time: Double)? = nil

    public init(interval: Double = 0.4) { self.interval = interval }

    /// The event as the app should see it: a press or click that completes a double click
    /// becomes ``MouseEvent/Kind/doubleClick`` (a third starts over); everything else is unchanged.
    public mutating func classify(_ event: MouseEvent, at time: Double) -> MouseEvent {
        guard event.kind == .press || event.kind == .click else { return event }
        if let last = lastPress, last.x == event.x, last.y == event.y, time - last.time <= interval, time >= last.time {
            lastPress = nil
            return MouseEvent(.doubleClick, x: event.x, y: event.y)
        }
        lastPress = (event.x, event.y, time)
        return event
    }
}
