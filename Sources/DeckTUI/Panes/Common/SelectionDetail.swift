import DeckStore

/// The detail of a list's selected item, loaded off the UI thread: the Datasets and Models lists
/// show the selected dataset's latest version or the selected model's production version below
/// the list (as k9s and lazygit fill the screen). ``follow(_:storeVersion:query:)`` reloads when the
/// selection or the store changes; answers for an older selection are dropped by the loader's
/// generation, so moving quickly through a list never shows the wrong item's detail.
@MainActor
public final class SelectionDetail<Key: Equatable & Sendable, Value: Sendable> {
    private let loader: PaneLoader<Value>
    /// The item whose detail was last asked for.
    public private(set) var key: Key?
    private var storeVersion = -1

    public init(label: String, store: DeckStore) {
        loader = PaneLoader(label: label, store: store)
    }

    /// The detail of ``key`` (nil while the first answer for it is on its way).
    public var value: Value? { loader.value }
    public var error: String? { loader.error }
    public var isLoading: Bool { loader.isLoading }

    /// Asks for the detail of `key` when it is not the one loaded or the store changed since.
    public func follow(_ key: Key?, storeVersion: Int, query: @escaping @Sendable (Key, DeckStore) throws -> Value) {
        guard let key, key != self.key || storeVersion != self.storeVersion else { return }
        self.key = key
        self.storeVersion = storeVersion
        loader.load { try query(key, $0) }
    }

    /// Applies an answer that arrived; returns whether the detail changed.
    public func apply() -> Bool { loader.apply() }

    /// Waits for the detail being read (tests).
    public func waitForLoad() { loader.waitForLoad() }
}
