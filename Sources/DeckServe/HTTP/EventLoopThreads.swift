import NIOCore
import NIOPosix

/// How many event-loop threads `mldeck serve` and `mldeck server` run (their `--threads`).
///
/// It depends on where a server's answers are made. `mldeck server` answers through
/// Hummingbird's router, which runs every handler as a task on Swift's cooperative pool (already
/// a thread per core); its loops only move bytes, and a loop per core put twice as many busy
/// threads as cores on the machine: half the cores is its default (one loop thread served ~10 %
/// less CPU a request on this project's 2-core machine). `mldeck serve` answers its scoring
/// requests on the loops themselves (``FastRoute``), so its loops are its workers, as `mlflow
/// models serve`'s worker processes are: a loop per core is its default (2-core machine, wrk 16
/// connections: ~20,000 single-row requests/s with two loops against ~15,000 with one).
public enum EventLoopThreads {
    /// Where a server's heavy answers are made, which decides its default.
    public enum Workers: Sendable {
        /// On the event loops (``FastRoute``): a loop per core.
        case loops
        /// On Swift's cooperative pool (Hummingbird's router): half the cores.
        case pool
    }

    /// The most `--threads` accepts.
    public static let maximum = 256

    /// The default: a loop per core (``Workers/loops``) or half the cores (``Workers/pool``), at least one.
    public static func defaultCount(for workers: Workers, cores: Int = System.coreCount) -> Int {
        max(1, workers == .loops ? cores : cores / 2)
    }

    /// The threads a group gets for `requested` (nil: the default), kept within 1…``maximum``.
    public static func count(_ requested: Int?, for workers: Workers, cores: Int = System.coreCount) -> Int {
        min(maximum, max(1, requested ?? defaultCount(for: workers, cores: cores)))
    }

    /// A group of ``count(_:for:cores:)`` loop threads. The caller shuts it down once its server has stopped.
    public static func makeGroup(_ requested: Int?, for workers: Workers) -> MultiThreadedEventLoopGroup {
        MultiThreadedEventLoopGroup(numberOfThreads: count(requested, for: workers))
    }
}
