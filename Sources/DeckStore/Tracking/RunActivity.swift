import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The last sign of life of a run, kept cheaply on disk: the modification times of the files in
/// its folder (`.mldeck/runs/ID/`: `alive`, touched about every second by the owner, the live
/// `log` and `metrics.jsonl`). When the owner dies without ending the run (`kill -9`), the reaper
/// ends it at its last activity instead of at its start time.
public enum RunActivity {
    static let files = ["alive", "log", "metrics.jsonl"]

    /// Records that the run is alive now (creates or touches `.mldeck/runs/ID/alive`). Never throws:
    /// a run whose folder cannot be written simply has a less precise end time if its owner dies.
    public static func touch(_ runID: String, in workspace: Workspace) {
        let folder = workspace.runDirectory(runID).path
        let path = folder + "/alive"
        if utimensat(AT_FDCWD, path, nil, 0) == 0 { return }
        mkdir(workspace.runsDirectory.path, 0o755)
        mkdir(folder, 0o755)
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd >= 0 { close(fd) }
    }

    /// The latest modification time (seconds since 1970) of the run's activity files, nil when it has none.
    public static func lastActivity(_ runID: String, in workspace: Workspace) -> Double? {
        let folder = workspace.runDirectory(runID).path
        var latest: Double?
        for name in files {
            var info = stat()
            guard lstat(folder + "/" + name, &info) == 0 else { continue }
            let t = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            latest = max(latest ?? t, t)
        }
        return latest
    }
}
