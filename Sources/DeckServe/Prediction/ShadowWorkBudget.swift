import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How much of a round the shadow's thread may spend reading and scoring requests.
///
/// Why a budget on top of `SCHED_IDLE`: on this project's 2-core virtual machine a thread that
/// takes *all* the idle time, even at `SCHED_IDLE`, slows a saturated server — a bare busy loop
/// at `SCHED_IDLE` beside `mldeck serve` cost it ~10 % of its requests/s and 12–30 % of its p99,
/// while the same loop busy only 2 ms of every 20 ms cost nothing measurable (BENCHMARKS.md,
/// `serve`, "Late morning of 3 Dec"). Wake-ups that find a core idle are cheaper than those that
/// must preempt.
///
/// So a round may always work ``guaranteed`` (wall time from its first look); past that it goes on
/// only while the thread has run for at least ``minimumRunShare`` of the round's wall time — that is,
/// while nothing preempts it, as on a server with a free core. On a saturated server a round ends
/// after about ``guaranteed`` and what it did not read waits for the next; the inbox fills, and
/// requests that find it full are dropped and counted.
struct ShadowWorkBudget {
    /// Wall time every round may use.
    static let guaranteed: Duration = .milliseconds(2)
    /// The share of the round's wall time the thread must have run to go on past ``guaranteed``.
    static let minimumRunShare = 0.9

    private let unlimited: Bool
    private let wallClock: () -> Duration
    private let cpuClock: () -> Duration
    private var start: (wall: Duration, cpu: Duration)?
    /// Set by the first look that allows no more: later looks allow nothing and read no clock (the
    /// CPU clock is a system call), so a spent round stays spent.
    private var spent = false

    /// - Parameters:
    ///   - unlimited: every look allows more (the last round at a graceful stop scores everything).
    ///   - wall, cpu: the clocks (monotonic wall time; the calling thread's CPU time); tests pass their own.
    init(unlimited: Bool, wall: @escaping () -> Duration = ShadowWorkBudget.monotonicNow,
         cpu: @escaping () -> Duration = ShadowWorkBudget.threadCPUNow) {
        self.unlimited = unlimited; wallClock = wall; cpuClock = cpu
    }

    /// Whether the round may read (and score) one more request. The first look starts the round.
    mutating func allowsMore() -> Bool {
        if unlimited { return true }
        if spent { return false }
        let wall = wallClock()
        guard let start else {
            self.start = (wall, cpuClock())
            return true
        }
        let elapsed = wall - start.wall
        if elapsed < Self.guaranteed { return true }
        let ran = cpuClock() - start.cpu
        spent = ran.inSeconds < Self.minimumRunShare * elapsed.inSeconds
        return !spent
    }

    /// `CLOCK_MONOTONIC`.
    static func monotonicNow() -> Duration { now(CLOCK_MONOTONIC) }

    /// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`).
    static func threadCPUNow() -> Duration { now(CLOCK_THREAD_CPUTIME_ID) }

    private static func now(_ clock: clockid_t) -> Duration {
        var time = timespec()
        clock_gettime(clock, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}
