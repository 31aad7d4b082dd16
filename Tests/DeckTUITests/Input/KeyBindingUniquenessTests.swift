import DeckStore
import XCTest
@testable import DeckTUI

/// Every key is declared once per context: the view's bindings (in each of its states) have no
/// duplicate key, and a view's key that shadows a global one is deliberate (listed below).
final class KeyBindingUniquenessTests: XCTestCase {
    /// View keys that take over a global key on purpose: Esc clears a filter or search before it
    /// goes back; the tab keys of a choice list or run view are not pane switches there.
    private static let deliberateShadows: Set<Key> = [.escape]

    func testEveryContextDeclaresEachKeyOnce() throws {
        let store = try makeRegistryStore()
        let runs = try seedRuns(store)
        MainActor.assumeIsolated {
            let context = PaneContext(store: store)
            let runsPane = RunsPane(context: context)
            let detail = RunDetailView(context: context, runID: runs["beta"]!.id, name: "beta")
            detail.waitForLoad(); _ = detail.tick()
            let models = ModelVersionsView(context: context, model: "churn-model")
            models.waitForLoad(); _ = models.tick()
            let compare = ComparePane(context: context)
            compare.show([CompareItem(runID: runs["alpha"]!.id), CompareItem(runID: runs["beta"]!.id)])
            compare.waitForLoad()
            let versions = DatasetVersionsView(context: context, dataset: "churn")
            versions.waitForLoad(); _ = versions.tick()
            var contexts: [(String, any View)] = [
                ("Runs", runsPane), ("Models", ModelsPane(context: context)), ("Datasets", DatasetsPane(context: context)),
                ("model versions", models), ("dataset versions", versions),
                ("dataset version", DatasetVersionView(context: context, reference: "churn@1")),
                ("diff", DatasetDiffView(context: context, dataset: "churn", old: 1, new: 2)),
                ("choice", ChoiceListView(title: "Sort", items: ["a", "b"]) { _ in nil }),
                ("multiple choice", ChoiceListView(title: "Columns", items: ["a", "b"], multiple: true) { _ in nil }),
                ("compare", compare), ("compare, empty", ComparePane(context: context)),
                ("pipelines", PipelinesPane(context: context)),
                ("launcher", LauncherView(context: context, launches: RunLaunches(store: store))),
            ]
            // The run view has one binding set per tab.
            for tab in RunDetailView.Tab.allCases {
                while detail.tab != tab { _ = detail.press(.char("]")) }
                contexts.append(("run view, \(tab)", detail))
                let app = AppModel(panes: [runsPane])
                let global = Set(app.globalBindings.flatMap(\.allKeys))
                let shadowed = Set(detail.bindings.flatMap(\.allKeys)).intersection(global).subtracting(Self.deliberateShadows)
                XCTAssertEqual(shadowed, [], "run view \(tab) shadows global keys")
            }
            for (name, view) in contexts {
                XCTAssertEqual(view.bindings.duplicateKeys, [], "\(name) declares a key twice")
                XCTAssertFalse(view.bindings.isEmpty, "\(name) declares no key")
            }
            let app = AppModel(panes: [runsPane, ModelsPane(context: context)])
            XCTAssertEqual(app.globalBindings.duplicateKeys, [], "the global keys declare a key twice")
            // The dashboard's global keys (six panes, the launcher's L) are unique, and no view
            // context that does not capture text shadows L.
            let dash = Dashboard(store: store, options: { var o = Dashboard.Options(); o.rememberSettings = false; return o }())
            XCTAssertEqual(dash.app.globalBindings.duplicateKeys, [], "the dashboard's global keys declare a key twice")
            XCTAssertNotNil(dash.app.globalBindings.binding(for: .char("L")))
            for (name, view) in contexts where !view.capturesText {
                XCTAssertNil(view.bindings.binding(for: .char("L")), "\(name) shadows the launcher's L")
            }
        }
    }

    func testADuplicateIsReported() {
        let list = [KeyBinding("j", "Down", also: [.down]), KeyBinding("k", "Up"), KeyBinding(.down, "Also down")]
        XCTAssertEqual(list.duplicateKeys, [.down])
    }

    func testTheBindingsActionRunsAndADisabledOneIsRefused() throws {
        let store = try makeTestStore()
        try seedRuns(store)
        MainActor.assumeIsolated {
            let pane = RunsPane(context: PaneContext(store: store))
            _ = settle(pane)
            guard case .effect = pane.perform(.char("/")) else { return XCTFail("/ should open the filter") }
            XCTAssertTrue(pane.capturesText)
            _ = pane.perform(.escape)
            guard case .refused(let reason) = pane.perform(.char("c")) else { return XCTFail("c is disabled with no marks") }
            XCTAssertTrue(reason.contains("mark two"), reason)
            guard case .unused = pane.perform(.char("Z")) else { return XCTFail("an undeclared key is unused") }
        }
    }
}
