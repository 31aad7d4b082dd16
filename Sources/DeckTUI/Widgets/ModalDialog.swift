/// A centred dialog with a title, a wrapped body and buttons (`[ Kill ]  [ Cancel ]`).
///
/// Keys: ←/→/Tab move between buttons, Enter presses the focused one, `y` confirms, `n` and Esc
/// cancel. A dangerous dialog starts with the cancel button focused.
public struct ModalDialog: Sendable, Equatable {
    public struct Button: Sendable, Equatable {
        public var label: String
        /// Identifies the button in the result.
        public var id: String
        public init(_ label: String, id: String) { self.label = label; self.id = id }
    }

    /// What a key did to the dialog.
    public enum Outcome: Sendable, Equatable {
        /// A button was pressed (its id). `confirm` for y.
        case pressed(String)
        case cancelled
    }

    public var title: String
    public var body: String
    public var buttons: [Button]
    public var focused: Int
    public var dangerous: Bool
    /// Id of the confirming button (pressed by `y`).
    public var confirmID: String
    /// Id of the cancelling button (pressed by `n`/Esc), if any.
    public var cancelID: String?

    public init(title: String, body: String, buttons: [Button], focused: Int = 0, dangerous: Bool = false,
                confirmID: String? = nil, cancelID: String? = nil) {
        self.title = title; self.body = body; self.buttons = buttons; self.focused = focused
        self.dangerous = dangerous
        self.confirmID = confirmID ?? buttons.first?.id ?? "ok"
        self.cancelID = cancelID
    }

    /// A yes/no confirmation: `confirmLabel` (id `confirm`) and `Cancel` (id `cancel`).
    public static func confirm(title: String, body: String, confirmLabel: String = "OK",
                               dangerous: Bool = false) -> ModalDialog {
        ModalDialog(title: title, body: body,
                    buttons: [Button(confirmLabel, id: "confirm"), Button("Cancel", id: "cancel")],
                    focused: dangerous ? 1 : 0, dangerous: dangerous, confirmID: "confirm", cancelID: "cancel")
    }

    /// Handles a key; returns the outcome when the dialog closes, nil while it stays open.
    public mutating func handle(_ key: Key) -> Outcome? {
        switch key {
        case .left, .backTab, .char("h"): focused = (focused - 1 + buttons.count) % max(1, buttons.count)
        case .right, .tab, .char("l"): focused = (focused + 1) % max(1, buttons.count)
        case .enter:
            guard buttons.indices.contains(focused) else { return .cancelled }
            let id = buttons[focused].id
            return id == cancelID ? .cancelled : .pressed(id)
        case .char("y"), .char("Y"): return .pressed(confirmID)
        case .char("n"), .char("N"), .escape: return .cancelled
        default: break
        }
        return nil
    }

    /// Where the dialog goes inside `area`, and its body wrapped to fit.
    public func layout(in area: Rect) -> (box: Rect, bodyLines: [String]) {
        let maxW = min(area.width - 4, 70)
        let buttonsW = buttons.reduce(0) { $0 + $1.label.displayWidth + 4 } + max(0, buttons.count - 1) * 2
        let contentW = max(20, min(maxW - 4, max(title.displayWidth + 2, buttonsW, body.displayWidth)))
        let lines = TextWrap.wrap(body, width: max(1, contentW))
        let h = min(area.height, lines.count + 6)
        let w = min(area.width, contentW + 4)
        return (area.centered(Size(width: w, height: h)), lines)
    }

    public func render(into region: Region, theme: Theme) {
        let (box, lines) = layout(in: region.bounds)
        let r = region.sub(box)
        let st = theme[.dialog]
        r.fill(style: st)
        let inner = r.drawBox(.rounded, style: theme[dangerous ? .error : .borderFocused].withBackground(st.bg),
                              title: title, titleStyle: theme[.dialogTitle])
        for (i, l) in lines.enumerated() where i + 1 < inner.height - 2 {
            inner.put(l, at: Point(x: 1, y: i + 1), style: st)
        }
        // Buttons, right-aligned on the last inner row.
        let labels = buttons.map { "[ \($0.label) ]" }
        let total = labels.reduce(0) { $0 + $1.displayWidth } + max(0, labels.count - 1) * 2
        var x = max(0, inner.width - total - 1)
        for (i, l) in labels.enumerated() {
            let bs = i == focused ? theme[.buttonFocused] : theme[.button]
            x += inner.put(l, at: Point(x: x, y: inner.height - 1), style: bs) + 2
        }
    }
}
