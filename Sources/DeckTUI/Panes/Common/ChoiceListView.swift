/// A list to pick from, pushed over a pane: one choice (sort by…) or several (columns to show).
///
/// Keys: ↑/↓/j/k move, Enter picks (single) or applies (multiple), space toggles (multiple),
/// `/`-free typing jumps to the first item starting with the typed letter, Esc goes back.
@MainActor
public final class ChoiceListView: View {
    public let title: String
    public let items: [String]
    /// Optional dim note per item (e.g. `metric`, `param`).
    public let notes: [String]
    public let multiple: Bool
    public private(set) var chosen: Set<Int>
    public var state: TableState
    private let onDone: @MainActor (ChoiceListView) -> Effect?

    /// - Parameters:
    ///   - selected: the row the cursor starts on.
    ///   - chosen: initially ticked rows (multiple choice).
    ///   - onDone: called with the view when the user picks (single) or applies (multiple); its
    ///     effect is applied after the list is popped.
    public init(title: String, items: [String], notes: [String] = [], multiple: Bool = false, selected: Int = 0,
                chosen: Set<Int> = [], onDone: @escaping @MainActor (ChoiceListView) -> Effect?) {
        self.title = title; self.items = items; self.notes = notes; self.multiple = multiple
        self.chosen = chosen; self.onDone = onDone
        state = TableState(selected: selected)
    }

    /// The row under the cursor.
    public var selected: Int { state.selected }
    /// Chosen rows in list order.
    public var chosenInOrder: [Int] { items.indices.filter { chosen.contains($0) } }

    public var bindings: [KeyBinding] {
        var b = [KeyBinding("enter", multiple ? "Apply" : "Choose", footer: multiple ? "apply" : "choose", group: title, shownInFooter: true) { [unowned self] in
            .batch([.pop, self.onDone(self) ?? .redraw])
        }]
        if multiple {
            b.append(KeyBinding("space", "Show or hide", footer: "toggle", group: title, shownInFooter: true) { [unowned self] in
                if self.chosen.contains(self.state.selected) { self.chosen.remove(self.state.selected) } else { self.chosen.insert(self.state.selected) }
                return .redraw
            })
            b.append(KeyBinding("a", "Show all / none", group: title) { [unowned self] in
                self.chosen = self.chosen.count == self.items.count ? [] : Set(self.items.indices)
                return .redraw
            })
        } else {
            b.append(KeyBinding("space", "Nothing to toggle in a single choice", group: title) { .redraw })
        }
        return b + KeyBinding.tableNavigation { [unowned self] key in
            self.state.handle(key, rowCount: self.items.count, columnCount: 1) ? .redraw : nil
        }
    }

    public func render(into region: Region, theme: Theme) {
        let header = multiple ? "\(title): space toggles, Enter applies, Esc cancels" : "\(title): Enter chooses, Esc cancels"
        region.put(header, at: .zero, style: theme[.title])
        let columns = multiple ? [TableColumn("", width: .fixed(3)), TableColumn("Name", width: .flexible(min: 10, max: 60)), TableColumn("", width: .flexible(min: 4, max: 20))]
            : [TableColumn("Name", width: .flexible(min: 10, max: 60)), TableColumn("", width: .flexible(min: 4, max: 20))]
        let table = Table(columns: columns, rowCount: items.count, frozenColumns: 0, showHeader: false) { [items, notes, chosen, multiple] i in
            let note = TableCell.text(i < notes.count ? notes[i] : "", .textDim)
            if multiple { return [.text(chosen.contains(i) ? "[x]" : "[ ]"), .text(items[i]), note] }
            return [.text(items[i]), note]
        }
        table.render(into: region.sub(Rect(x: 0, y: 2, width: region.width, height: region.height - 2)), state: &state, theme: theme)
    }

    /// The mouse (the keys are ``bindings``).
    public func handle(_ key: Key) -> Effect? {
        state.handle(key, rowCount: items.count, columnCount: 1) ? .redraw : nil
    }
}
