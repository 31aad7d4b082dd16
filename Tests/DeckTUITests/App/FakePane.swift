@testable import DeckTUI

/// A pane for tests: a table of `rows` items with a dangerous kill key and a drill-in.
@MainActor
final class FakePane: Pane {
    let title: String
    var rows: [String]
    var state = TableState()
    var killed: [String] = []
    var ticks = 0
    var dataChanged = false
    var filtering = false
    var filter = ""

    init(_ title: String, rows: [String] = ["alpha", "beta", "gamma"]) {
        self.title = title; self.rows = rows
    }

    var bindings: [KeyBinding] {
        [
            KeyBinding("/", "Filter rows", footer: "filter", group: title, shownInFooter: true),
            KeyBinding("enter", "Open", footer: "open", group: title, shownInFooter: true),
            KeyBinding("K", "Kill the selected run", footer: "kill", group: title, shownInFooter: true, dangerous: true),
            KeyBinding("c", "Compare marked", group: title,
                       disabledReason: state.marked.count < 2 ? "mark two runs with space first" : nil),
        ]
    }

    var capturesText: Bool { filtering }

    func render(into region: Region, theme: Theme) {
        let t = Table(columns: [TableColumn("Name", width: .flexible())], rowCount: rows.count) { [rows] in [.text(rows[$0])] }
        t.render(into: region, state: &state, theme: theme)
    }

    func handle(_ key: Key) -> Effect? {
        if filtering {
            switch key {
            case .escape, .enter: filtering = false
            case .char(let c): filter.append(c)
            default: break
            }
            return .redraw
        }
        switch key {
        case .char("/"): filtering = true; return .redraw
        case .enter: return .push(FakeDetail(name: rows[state.selected]))
        case .char("K"):
            let name = rows[state.selected]
            return .confirm(.confirm(title: "Kill \(name)?", body: "It stops at once.", confirmLabel: "Kill", dangerous: true)) { [weak self] outcome in
                guard outcome == .pressed("confirm") else { return nil }
                self?.killed.append(name)
                return .emit(AppEvent("kill", [name]))
            }
        case .mouse(let m) where m.kind == .press:
            let t = Table(columns: [], rowCount: rows.count) { _ in [] }
            if let r = t.rowIndex(atLocalY: m.y, state: state) { state.selected = r }
            return .redraw
        default:
            return state.handle(key, rowCount: rows.count, columnCount: 1) ? .redraw : nil
        }
    }

    func tick() -> Bool {
        ticks += 1
        defer { dataChanged = false }
        return dataChanged
    }
}

@MainActor
final class FakeDetail: View {
    let name: String
    init(name: String) { self.name = name }
    var title: String { name }
    var bindings: [KeyBinding] { [KeyBinding("l", "Show log", group: "Detail", shownInFooter: true)] }
    func render(into region: Region, theme: Theme) {
        region.put("detail of \(name)", at: .zero, style: theme[.text])
    }
    func handle(_ key: Key) -> Effect? { nil }
}
