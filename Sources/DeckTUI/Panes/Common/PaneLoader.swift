import DeckStore
import Foundation

/// Loads a pane's data off the UI thread, the way ``RunsSource`` loads runs: `load()` queues
/// the query on a background queue; `apply()` (called from the pane's `tick`) takes the answer.
/// An answer to an older request is dropped by generation, so a slow query never overwrites a
/// newer one. While a load is in flight the pane keeps showing the last value.
@MainActor
public final class PaneLoader<Value: Sendable> {
    /// The last value loaded (nil until the first answer).
    public private(set) var value: Value?
    /// The last load's error, as a sentence (cleared by a successful load).
    public private(set) var error: String?
    /// True from `load()` until its answer is applied: the pane may show a busy mark.
    public private(set) var isLoading = false

    private enum Message: Sendable { case loaded(Int, Value), failed(Int, String) }
    private let worker: QueryWorker
    private let mailbox = Mailbox<Message>()
    private let store: DeckStore
    private let query: (@Sendable (DeckStore) throws -> Value)?
    private var generation = 0

    /// - Parameter query: what ``load()`` runs; nil when every load passes its own (``load(with:)``).
    public init(label: String, store: DeckStore, query: (@Sendable (DeckStore) throws -> Value)? = nil) {
        worker = QueryWorker(label: label)
        self.store = store
        self.query = query
    }

    /// Queues a load; an earlier one still waiting is skipped.
    public func load() {
        if let query { load(with: query) }
    }

    /// Queues a load running `query` (when what to read changes between loads, e.g. a chart's
    /// metric keys); an earlier one still waiting is skipped and its answer dropped.
    public func load(with query: @escaping @Sendable (DeckStore) throws -> Value) {
        generation = worker.nextGeneration()
        isLoading = true
        let gen = generation, store = self.store, mailbox = self.mailbox
        worker.submit(generation: gen) {
            do { mailbox.post(.loaded(gen, try query(store))) } catch { mailbox.post(.failed(gen, "\(error)")) }
        }
    }

    /// Applies answers that arrived; returns whether the value or the error changed.
    @discardableResult
    public func apply() -> Bool {
        var changed = false
        for message in mailbox.take() {
            switch message {
            case .loaded(let gen, let loaded) where gen == generation:
                value = loaded; error = nil; isLoading = false; changed = true
            case .failed(let gen, let text) where gen == generation:
                error = text; isLoading = false; changed = true
            default:
                break  // an answer to a superseded request
            }
        }
        return changed
    }

    /// Waits for queued loads and applies them (tests); returns whether anything changed.
    @discardableResult
    public func waitForLoad() -> Bool {
        worker.drain()
        return apply()
    }
}
