import DeckStore
import Foundation

/// The dashboard's own writes to the store (promoting a model), run one at a time on a
/// background queue so the UI thread never waits for the write lock. While a write is in flight
/// ``busyLabel`` names it (the footer shows it); when it ends, ``takeFinished()`` hands the app a
/// toast — the success message or the error — and marks the store changed so visible views reload.
@MainActor
public final class StoreWrites {
    /// What a finished write says.
    private struct Finished: Sendable { var id: Int; var message: String; var succeeded: Bool }

    private let worker = QueryWorker(label: "writes")
    private let mailbox = Mailbox<Finished>()
    private let store: DeckStore
    private var inFlight: [(id: Int, label: String)] = []
    private var nextID = 0
    /// Called after each successful write (the context bumps its store version).
    var onSuccess: () -> Void = {}

    init(store: DeckStore) { self.store = store }

    /// Whether a write is in flight.
    public var isBusy: Bool { !inFlight.isEmpty }
    /// The labels of the writes in flight (`promoting churn-model v3…`), oldest first.
    public var busyLabels: [String] { inFlight.map(\.label) }
    /// One line for the footer while writes are in flight, nil otherwise.
    public var busyLabel: String? { inFlight.last.map { "⟳ " + $0.label } }

    /// Queues `write`; `label` shows while it runs. `write` returns the success message;
    /// a thrown error becomes an error toast reading `failure: error`.
    public func perform(_ label: String, failure: String,
                        _ write: @escaping @Sendable (DeckStore) throws -> String) {
        nextID += 1
        let id = nextID, store = self.store, mailbox = self.mailbox
        inFlight.append((id, label))
        worker.submit {
            do {
                let message = try write(store)
                mailbox.post(Finished(id: id, message: message, succeeded: true))
            } catch {
                mailbox.post(Finished(id: id, message: "\(failure): \(error)", succeeded: false))
            }
        }
    }

    /// The toasts of writes that ended since the last call (the app shows them).
    public func takeFinished() -> [Toast] {
        let done = mailbox.take()
        guard !done.isEmpty else { return [] }
        let ids = Set(done.map(\.id))
        inFlight.removeAll { ids.contains($0.id) }
        if done.contains(where: \.succeeded) { onSuccess() }
        return done.map { $0.succeeded ? Toast($0.message, kind: .success) : Toast($0.message, kind: .error, duration: 5) }
    }

    /// Waits until every queued write has run (tests); the app still takes the toasts.
    public func waitForWrites() { worker.drain() }
}

extension PaneContext {
    /// Lets `app` show what the context's background writes report: their busy mark in the
    /// footer while they run, then their toasts. The dashboard calls it once; tests that build an
    /// ``AppModel`` by hand call it too.
    public func attach(to app: AppModel) {
        app.backgroundSources.append { [weak self, weak app] in
            guard let self, let app else { return false }
            let toasts = self.writes.takeFinished()
            for t in toasts { app.toast(t) }
            let busy = self.writes.busyLabel
            let changed = !toasts.isEmpty || busy != app.busyStatus
            app.busyStatus = busy
            return changed
        }
    }
}
