import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The workspace's runner of triggers (and monitors): takes the runner lease, renews it each
/// round, and ticks the ``TriggerEngine`` and any other work (monitors) only while it holds it,
/// so that an agent and a dashboard never fire the same event twice. A lease whose holder died or
/// stopped renewing is taken over.
public final class TriggerRunner: @unchecked Sendable {  // its loop runs on one thread; `stop` is thread-safe
    let store: any TriggerStore
    let engine: TriggerEngine?
    /// `agent` or `dashboard`.
    public let role: String
    /// This runner's lease holder id.
    public let holder = UUID().uuidString.lowercased()
    /// Seconds a lease lasts without a renewal.
    public var ttl: Double = 15
    /// Seconds between rounds.
    public var interval: Double = 1
    /// More work done each round while holding the lease (the monitors).
    public var tasks: [() throws -> Void] = []
    public var log: (String) -> Void = { _ in }
    let clock: @Sendable () -> Date
    private let condition = NSCondition()
    private var stopping = false
    private var holding = false
    private var lastWaitNote: String?

    public init(store: any TriggerStore, engine: TriggerEngine?, role: String, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.engine = engine; self.role = role; self.clock = clock
    }

    /// True while this runner holds the lease.
    public var holdsLease: Bool { condition.lock(); defer { condition.unlock() }; return holding }

    /// Asks the loop to end (from a signal handler's queue or another thread); it ends after the current round.
    public func stop() {
        condition.lock(); stopping = true; condition.broadcast(); condition.unlock()
    }

    /// One round: take or renew the lease, then tick while holding it. Returns whether it holds the lease.
    @discardableResult
    public func round() -> Bool {
        let now = clock().timeIntervalSince1970
        var held = false
        do {
            if holdsLease {
                held = try store.renewRunnerLease(holder: holder, now: now, ttl: ttl)
                if !held { log("lost the runner lease (another runner took it over); waiting") }
            }
            if !held {
                switch try store.acquireRunnerLease(holder: holder, role: role, owner: .current, now: now, ttl: ttl) {
                case .acquired(_, let previous):
                    held = true
                    lastWaitNote = nil
                    let from = previous.map { " (took over from \($0.role) pid \($0.pid) on \($0.host): \(now >= $0.expiresAt ? "lease expired" : "process gone"))" } ?? ""
                    log("holding the runner lease as \(role) pid \(getpid())\(from)")
                case .heldByOther(let other):
                    let note = "another runner holds the lease: \(other.role) pid \(other.pid) on \(other.host); waiting to take over when it stops"
                    if note != lastWaitNote { log(note); lastWaitNote = note }
                }
            }
        } catch {
            log("cannot take the runner lease: \(error)")
        }
        condition.lock(); holding = held; condition.unlock()
        guard held else { return false }
        do { try engine?.tick() } catch { log("triggers: \(error)") }
        for task in tasks {
            do { try task() } catch { log("monitors: \(error)") }
        }
        return true
    }

    /// Runs rounds every ``interval`` seconds until ``stop()``; then gives the lease up.
    public func run() {
        while true {
            condition.lock(); let done = stopping; condition.unlock()
            if done { break }
            round()
            condition.lock()
            if !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            condition.unlock()
        }
        if holdsLease {
            try? store.releaseRunnerLease(holder: holder)
            condition.lock(); holding = false; condition.unlock()
            log("released the runner lease")
        }
    }
}
