import NIOCore
import NIOPosix

/// How many event-loop threads `mldeck serve` and `mldeck server` run (their `--threads`).
///
/// Both servers answer their hot calls on the loops themselves (``FastRoute``: scoring, the
/// logging calls) and everything else on Swift's cooperative pool; each also runs threads of its
/// own beside them (the prediction-log writer, the shadow scorer, the group commit), and on a
/// benchmark machine the client runs on the same cores. Half the cores is the default, which
/// leaves the other half to those. On this project's 2-core machine (wrk, 16 connections, single
/// rows) one scoring loop gave 12,300–15,600 requests/s with p99 4.3–4.5 ms, and 4.5–5.0 ms with
/// the shadow on; two gave 17,000–18,700 requests/s but p99 6.4–6.7 ms, and with the shadow
/// 7.4–130 ms (BENCHMARKS.md, `serve`). `--threads` trades the one for the other.
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
