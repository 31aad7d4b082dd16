import NIOCore
import NIOPosix

/// How many event-loop threads `mldeck serve` and `mldeck server` run (their `--threads`).
///
/// Hummingbird runs every request's handler as a task on Swift's cooperative pool, which already
/// has a thread per core; the event loops only read requests off the sockets and write the
/// answers back. One loop thread per core therefore puts twice as many busy threads as cores on
/// the machine, and each request pays for the switches between them. Half the cores is the
/// default: on this project's 2-core machine one loop thread served single-row predictions with
/// ~10 % less CPU a request and p99 5.0–5.3 ms against 6.2–6.5 ms with two (wrk, 16 connections,
/// alternating runs; BENCHMARKS.md, `serve`).
public enum EventLoopThreads {
    /// The most `--threads` accepts.
    public static let maximum = 256

    /// The default: half the cores, at least one.
    public static func defaultCount(cores: Int = System.coreCount) -> Int {
        max(1, cores / 2)
    }

    /// The threads a group gets for `requested` (nil: the default), kept within 1…``maximum``.
    public static func count(_ requested: Int?, cores: Int = System.coreCount) -> Int {
        min(maximum, max(1, requested ?? defaultCount(cores: cores)))
    }

    /// A group of ``count(_:cores:)`` loop threads. The caller shuts it down once its server has stopped.
    public static func makeGroup(_ requested: Int?) -> MultiThreadedEventLoopGroup {
        MultiThreadedEventLoopGroup(numberOfThreads: count(requested))
    }
}
