import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How one `on_alert:` command ended.
public struct NotificationOutcome: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case succeeded, failed, timedOut = "timed_out", notStarted = "not_started"
    }

    public var alertID: Int64
    public var status: Status
    /// The exit status (128 + signal when a signal ended it), when it ran.
    public var exitStatus: Int32?
    public var seconds: Double
    /// The end of its output (at most 2,000 characters), or why it did not start.
    public var detail: String

    enum CodingKeys: String, CodingKey { case alertID = "alert_id", status, exitStatus = "exit_status", seconds, detail }
}

/// Runs the `on_alert:` command of `mldeck.yaml` with an alert as JSON on standard input (so a
/// mail, a chat webhook through `curl`, … tells someone with no dashboard open). The command runs
/// in the workspace folder in its own process group, with `MLDECK_ALERT_ID`, `…_KIND`,
/// `…_SEVERITY`, `…_MODEL` in its environment, and is stopped (SIGTERM, then SIGKILL) after its
/// timeout. Its failure is logged — to `.mldeck/logs/notifications.log` and through `log` —
/// and never thrown: a broken notifier must not stop a monitor or the agent.
public struct AlertNotifier: Sendable {
    public var spec: AlertCommandSpec
    public var workspace: Workspace
    /// Called with one line per failure (the CLI prints it as a warning).
    public var log: @Sendable (String) -> Void

    public init(spec: AlertCommandSpec, workspace: Workspace, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.spec = spec; self.workspace = workspace; self.log = log
    }

    /// Where outcomes are appended, one JSON line each.
    public var logURL: URL { workspace.stateDirectory.appendingPathComponent("logs", isDirectory: true).appendingPathComponent("notifications.log") }

    /// Runs the command for `alert` off the caller's thread; the task ends when the command does
    /// (or its timeout stops it). Await it before the process exits.
    @discardableResult
    public func notifyDetached(_ alert: AlertRecord) -> Task<NotificationOutcome, Never> {
        let notifier = self
        return Task.detached { notifier.notify(alert) }
    }

    /// Runs the command for `alert` and waits for it (at most its timeout plus a 2 s grace).
    public func notify(_ alert: AlertRecord) -> NotificationOutcome {
        let start = Date().timeIntervalSince1970
        var outcome = run(alert, start: start)
        outcome.seconds = Date().timeIntervalSince1970 - start
        record(outcome, alert: alert)
        return outcome
    }

    private func run(_ alert: AlertRecord, start: Double) -> NotificationOutcome {
        func notStarted(_ why: String) -> NotificationOutcome {
            NotificationOutcome(alertID: alert.id, status: .notStarted, exitStatus: nil, seconds: 0, detail: why)
        }
        let arguments: [String]
        if spec.shell {
            arguments = ["/bin/sh", "-c", spec.command]
        } else {
            do { arguments = try CommandLineSplitter.split(spec.command) } catch { return notStarted("on_alert: \(error)") }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let input = workspace.temporaryDirectory.appendingPathComponent("alert-\(alert.id)-\(UUID().uuidString).json")
        do {
            try FileManager.default.createDirectory(at: workspace.temporaryDirectory, withIntermediateDirectories: true)
            var data = try encoder.encode(alert)
            data.append(0x0A)
            try data.write(to: input)
        } catch {
            return notStarted("cannot write the alert for on_alert: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: input) }
        var environment = ProcessInfo.processInfo.environment
        environment["MLDECK_ALERT_ID"] = String(alert.id)
        environment["MLDECK_ALERT_KIND"] = alert.kind.rawValue
        environment["MLDECK_ALERT_SEVERITY"] = alert.severity.rawValue
        environment["MLDECK_ALERT_MODEL"] = alert.model
        environment["MLDECK_WORKSPACE"] = workspace.root.path
        let child: ChildProcess
        do {
            child = try ChildProcess(arguments: arguments, environment: environment, directory: workspace.root.path, standardInput: input.path)
        } catch {
            return notStarted("\(error)")
        }
        let output = OutputTail()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            child.drainOutput { output.append($0) }
            drained.signal()
        }
        let ended = DispatchSemaphore(value: 0)
        let termination = TerminationBox()
        DispatchQueue.global().async {
            termination.value = child.wait()
            ended.signal()
        }
        var timedOut = false
        if ended.wait(timeout: .now() + spec.timeout) == .timedOut {
            timedOut = true
            child.signalGroup(SIGTERM)
            if ended.wait(timeout: .now() + 2) == .timedOut {
                child.signalGroup(SIGKILL)
                ended.wait()
            }
        }
        child.stopDraining(after: 1)
        drained.wait()
        let status = termination.value?.shellStatus
        let detail = output.text
        if timedOut {
            return NotificationOutcome(alertID: alert.id, status: .timedOut, exitStatus: status, seconds: 0,
                                       detail: "stopped after \(DurationWords.text(spec.timeout)) (on_alert timeout)" + (detail.isEmpty ? "" : ": " + detail))
        }
        return NotificationOutcome(alertID: alert.id, status: status == 0 ? .succeeded : .failed, exitStatus: status, seconds: 0, detail: detail)
    }

    private func record(_ outcome: NotificationOutcome, alert: AlertRecord) {
        if outcome.status != .succeeded {
            let what: String
            switch outcome.status {
            case .timedOut: what = "timed out"
            case .notStarted: what = "did not start"
            default: what = "failed (exit status \(outcome.exitStatus.map(String.init) ?? "?"))"
            }
            log("on_alert for alert \(alert.id) \(what)" + (outcome.detail.isEmpty ? "" : ": " + outcome.detail.split(separator: "\n").suffix(3).joined(separator: " / ")))
        }
        // The log of outcomes is best effort: a notifier never fails a monitor.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(outcome) else { return }
        line.append(0x0A)
        let url = logURL
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        line.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// The last 2,000 characters a command printed.
private final class OutputTail: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    func append(_ block: UnsafeRawBufferPointer) {
        lock.lock(); defer { lock.unlock() }
        bytes.append(contentsOf: block)
        if bytes.count > 8_000 { bytes.removeFirst(bytes.count - 8_000) }
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        let s = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.count > 2_000 ? String(s.suffix(2_000)) : s
    }
}

private final class TerminationBox: @unchecked Sendable {
    var value: ChildProcess.Termination?
}
