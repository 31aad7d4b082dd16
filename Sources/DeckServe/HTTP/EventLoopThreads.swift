import NIOCore
import NIOPosix

/// How many event-loop threads `mldeck serve` and `mldeck server` run (their `--threads`).
///
/// Both servers answer their hot calls on the loops themselves (``FastRoute``: scoring, the
/// logging calls) and everything else on Swift's cooperative pool; each also runs threads of its
/// own beside them.
///
/// - ``Role/scoring`` (`mldeck serve`): one loop per core. Its other threads are the
///   prediction-log writer (~10 % of a core at 20,000 rows/s since the log is columnar) and the
///   shadow, which runs at `SCHED_IDLE` within a round budget (``ShadowWorkBudget``) so that it leaves
///   the loops the idle moments they wake into. On this project's 2-core machine,
///   with wrk on the same cores (16 connections, single rows), two loops gave 18,200–27,000
///   requests/s at p99 3.9–5.1 ms against one loop's 12,100–18,600 at 2.4–4.5 ms (2 Dec,
///   alternating runs; the machine's speed varied by the hour; BENCHMARKS.md `serve`); before the
///   log was columnar two loops cost p99 6.4–6.7 ms.
/// - ``Role/tracking`` (`mldeck server`): half the cores. Its group-commit thread writes every
///   logging call at normal priority and needs the other half.
///
/// `--threads` overrides either.
public enum EventLoopThreads {
    /// What the server's loops do, which sets their default count.
    public enum Role: Sendable {
        /// `mldeck serve`: the loops score; one per core.
        case scoring
        /// `mldeck server`: the loops hand logging calls to a commit thread; half the cores.
        case tracking
    }

    /// The most `--threads` accepts.
    public static let maximum = 256

    /// The default for `role` on `cores` cores, at least one.
    public static func defaultCount(_ role: Role, cores: Int = System.coreCount) -> Int {
        switch role {
        case .scoring: return max(1, cores)
        case .tracking: return max(1, cores / 2)
        }
    }

    /// The threads a group gets for `requested` (nil: the role's default), kept within 1…``maximum``.
    public static func count(_ requested: Int?, role: Role, cores: Int = System.coreCount) -> Int {
        min(maximum, max(1, requested ?? defaultCount(role, cores: cores)))
    }

    /// A group of ``count(_:role:cores:)`` loop threads. The caller shuts it down once its server has stopped.
    public static func makeGroup(_ requested: Int?, role: Role) -> MultiThreadedEventLoopGroup {
        MultiThreadedEventLoopGroup(numberOfThreads: count(requested, role: role))
    }
}
