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
    /// Renew the held lease at most this often (0: every round). Each renewal is a write that
    /// every open dashboard sees as a change of the store; a few seconds, well under ``ttl``, keep
    /// the lease as safe with fewer wake-ups.
    public var renewEvery: Double = 0
    /// More work done each round while holding the lease (the monitors).
    public var tasks: [() throws -> Void] = []
    public var log: (String) -> Void = { _ in }
    let clock: @Sendable () -> Date
    private let condition = NSCondition()
    private var stopping = false
    private var holding = false
    private var seen: RunnerLeaseState = .unknown
    private var lastWaitNote: String?
    private var lastRenewal: Double?   // only touched by `round`, on the loop's thread

    public init(store: any TriggerStore, engine: TriggerEngine?, role: String, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.engine = engine; self.role = role; self.clock = clock
    }

    /// True while this runner holds the lease.
    public var holdsLease: Bool { condition.lock(); defer { condition.unlock() }; return holding }

    /// Who held the lease at the end of the last round, as this runner saw it (thread-safe, no store access).
    public var leaseState: RunnerLeaseState { condition.lock(); defer { condition.unlock() }; return seen }

    /// Asks the loop to end (from a signal handler's queue or another thread); it ends after the current round.
    public func stop() {
        condition.lock(); stopping = true; condition.broadcast(); condition.unlock()
    }

    /// One round: take or renew the lease, then tick while holding it. Returns whether it holds the lease.
    @discardableResult
    public func round() -> Bool {
        let now = clock().timeIntervalSince1970
        var held = false
        var state = RunnerLeaseState.unknown
        do {
            if holdsLease {
                if renewEvery > 0, let last = lastRenewal, now >= last, now - last < min(renewEvery, ttl / 3) {
                    held = true
                } else {
                    held = try store.renewRunnerLease(holder: holder, now: now, ttl: ttl)
                    lastRenewal = held ? now : nil
                    if !held { log("lost the runner lease (another runner took it over); waiting") }
                }
            }
            if !held {
                switch try store.acquireRunnerLease(holder: holder, role: role, owner: .current, now: now, ttl: ttl) {
                case .acquired(_, let previous):
                    held = true
                    lastRenewal = now
                    lastWaitNote = nil
                    let from = previous.map { " (took over from \($0.role) pid \($0.pid) on \($0.host): \(now >= $0.expiresAt ? "lease expired" : "process gone"))" } ?? ""
                    log("holding the runner lease as \(role) pid \(getpid())\(from)")
                case .heldByOther(let other):
                    state = .other(role: other.role, pid: other.pid, host: other.host)
                    let note = "another runner holds the lease: \(other.role) pid \(other.pid) on \(other.host); waiting to take over when it stops"
                    if note != lastWaitNote { log(note); lastWaitNote = note }
                }
            }
        } catch {
            log("cannot take the runner lease: \(error)")
        }
        if held { state = .this(role: role) }
        condition.lock(); holding = held; seen = state; condition.unlock()
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
            condition.lock(); holding = false; seen = .stopped; condition.unlock()
            log("released the runner lease")
        }
    }
}

/// Who runs the workspace's triggers, as one runner last saw it.
public enum RunnerLeaseState: Sendable, Equatable {
    /// No round has ended yet (or the lease could not be read).
    case unknown
    /// This runner holds the lease (as `role`).
    case this(role: String)
    /// Another live runner holds it.
    case other(role: String, pid: Int32, host: String)
    /// This runner stopped and gave the lease up.
    case stopped
}
