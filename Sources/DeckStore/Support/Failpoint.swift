import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Named crash points for the crash-matrix tests: with `MLDECK_FAILPOINT=name` in its
/// environment, the process kills itself (`SIGKILL`, as `kill -9` would) the first time it
/// reaches the point of that name — before or after an fsync, a rename or a database commit of
/// a durable operation; with `MLDECK_FAILPOINT=name#N`, the N-th time (so a pipeline can be killed
/// at the cache commit of its third step, not only its first). Compiled into every build; unset,
/// a point costs one comparison with a value read once from the environment.
///
/// Names are `<area>.<before|after>-<step>`: `objects.before-rename`, `objects.after-fsync`,
/// `dataset-add.before-commit`, `model-register.after-commit`, `alias-move.before-commit`,
/// `step-cache.after-commit`, `prediction-log.before-commit`, … (``names`` lists them all).
public enum Failpoint {
    /// Every failpoint in the code, for the crash matrix and `MLDECK_FAILPOINT` checks.
    public static let names: [String] = [
        "objects.before-rename", "objects.after-rename", "objects.before-fsync", "objects.after-fsync",
        "dataset-add.before-commit", "dataset-add.after-commit",
        "step-cache.before-commit", "step-cache.after-commit",
        "model-register.before-commit", "model-register.after-commit",
        "alias-move.before-commit", "alias-move.after-commit",
        "prediction-log.before-commit", "prediction-log.after-commit",
        "mlflow-import.before-commit", "mlflow-import.after-commit",
        "alert-raise.before-commit", "alert-raise.after-commit",
        "trigger-fire.before-commit", "trigger-fire.after-commit",
        "trigger-start.before-commit", "trigger-start.after-commit",
    ]

    /// The armed point and at which of its hits it fires (1: the first), read once.
    static let armed: (name: String, hit: Int, spec: String)? = {
        guard let spec = ProcessInfo.processInfo.environment["MLDECK_FAILPOINT"], !spec.isEmpty else { return nil }
        return parse(spec)
    }()

    /// `name` or `name#N` (N ≥ 1); a malformed count arms the whole text as a name, which no point has.
    static func parse(_ spec: String) -> (name: String, hit: Int, spec: String) {
        if let hash = spec.lastIndex(of: "#"), let n = Int(spec[spec.index(after: hash)...]), n >= 1 {
            return (String(spec[..<hash]), n, spec)
        }
        return (spec, 1, spec)
    }

    /// Hits of the armed point so far.
    private static let hits = HitCounter()

    /// Kills the process here when `name` is the armed point and this is the armed hit.
    @inline(__always)
    public static func hit(_ name: StaticString) {
        guard let armed, armed.name == name.description else { return }
        if hits.next() == armed.hit { die(armed.spec) }
    }

    static func die(_ name: String) -> Never {
        let line = "mldeck: failpoint \(name) reached: killing the process (MLDECK_FAILPOINT)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        kill(getpid(), SIGKILL)
        abort()
    }
}

/// Counts the armed point's hits across threads (a pipeline's steps run in parallel).
private final class HitCounter: @unchecked Sendable {
    // @unchecked: `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0

    /// The number of this hit (1 for the first).
    func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        count += 1
        return count
    }
}
