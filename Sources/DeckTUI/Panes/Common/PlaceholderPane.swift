/// A pane that keeps its place among the tabs before it exists (Alerts is pane 5 and arrives
/// with monitoring): it says what will be there.
@MainActor
public final class PlaceholderPane: Pane {
    public let title: String
    public let message: String
    public init(title: String, message: String) { self.title = title; self.message = message }
    public var bindings: [KeyBinding] { [] }
    public func render(into region: Region, theme: Theme) {
        region.put(message, at: .zero, style: theme[.textDim], maxWidth: region.width)
    }
}
