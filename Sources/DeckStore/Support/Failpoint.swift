import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Named crash points for the crash-matrix tests: with `MLDECK_FAILPOINT=name` in its
/// environment, the process kills itself (`SIGKILL`, as `kill -9` would) the first time it
/// reaches the point of that name — before or after an fsync, a rename or a database commit of
/// a durable operation. Compiled into every build; unset, a point costs one comparison with a
/// value read once from the environment.
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

    /// The armed point, read once.
    static let armed: String? = {
        guard let name = ProcessInfo.processInfo.environment["MLDECK_FAILPOINT"], !name.isEmpty else { return nil }
        return name
    }()

    /// Kills the process here when `name` is the armed point.
    @inline(__always)
    public static func hit(_ name: StaticString) {
        guard let armed else { return }
        if armed == name.description { die(armed) }
    }

    static func die(_ name: String) -> Never {
        let line = "mldeck: failpoint \(name) reached: killing the process (MLDECK_FAILPOINT)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        kill(getpid(), SIGKILL)
        abort()
    }
}
