import Foundation

/// One command to execute, described only by plain values (argv, environment, paths, limits), so
/// that it can be written to JSON, sent to another machine (a Ray job, a Slurm batch script) and
/// run there by a ``StepExecutor``. It holds no store, no file descriptor and no closure.
public struct StepJob: Codable, Sendable, Equatable {
    /// Limits the executor enforces.
    public struct Limits: Codable, Sendable, Equatable {
        /// Seconds the command may run; nil for no limit.
        public var timeout: Double?
        /// Seconds between the polite stop (SIGTERM locally) and the forced one (SIGKILL).
        public var gracePeriod: Double

        public init(timeout: Double? = nil, gracePeriod: Double = 5) {
            self.timeout = timeout; self.gracePeriod = gracePeriod
        }
    }

    /// A name for the job in the executor's listings (`RUN/STEP`, or the run id).
    public var name: String
    /// The program and its arguments; the program is searched in `PATH`.
    public var arguments: [String]
    /// Variables set for the command, over the executor's own environment when
    /// ``inheritEnvironment`` is true.
    public var environment: [String: String]
    /// Whether the command starts from the environment of the place it runs (this process's
    /// environment locally, the worker's on a cluster) before ``environment`` is applied.
    public var inheritEnvironment: Bool
    /// The folder the command starts in; nil for the executor's default.
    public var workingDirectory: String?
    /// Files and folders the command reads (a dataset, upstream steps' outputs).
    public var inputs: [String]
    /// Files and folders the command writes (its output folder, the metrics file) that must
    /// come back to the caller.
    public var outputs: [String]
    /// A file the command appends to while it runs (`MLDECK_METRICS_FILE`), where it runs: the
    /// executor creates it empty if it is missing and reports what is appended as
    /// ``StepReport/metrics(_:)`` while the job runs, so the caller needs no access to the file.
    public var metricsFile: String?
    /// Seconds between reads of ``metricsFile``; nil for 0.1.
    public var metricsInterval: Double?
    public var limits: Limits

    public init(name: String, arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true,
                workingDirectory: String? = nil, inputs: [String] = [], outputs: [String] = [], metricsFile: String? = nil,
                metricsInterval: Double? = nil, limits: Limits = Limits()) {
        self.name = name; self.arguments = arguments; self.environment = environment
        self.inheritEnvironment = inheritEnvironment; self.workingDirectory = workingDirectory
        self.inputs = inputs; self.outputs = outputs; self.metricsFile = metricsFile; self.metricsInterval = metricsInterval
        self.limits = limits
    }

    enum CodingKeys: String, CodingKey {
        case name, arguments, environment, inheritEnvironment = "inherit_environment", workingDirectory = "working_directory"
        case inputs, outputs, metricsFile = "metrics_file", metricsInterval = "metrics_interval_s", limits
    }
}

extension StepJob.Limits {
    enum CodingKeys: String, CodingKey { case timeout = "timeout_s", gracePeriod = "grace_period_s" }
}

/// Where a job is in its life, as its executor reports it.
public enum StepJobState: String, Codable, Sendable, Equatable {
    /// Accepted, not started yet (a cluster's queue).
    case queued
    case running
    /// Asked to stop (cancelled or past its time limit), not ended yet.
    case stopping
    /// Ended; the ``StepExit`` tells how.
    case ended
}

/// How a job ended.
public struct StepExit: Codable, Sendable, Equatable {
    /// The exit code when the command exited.
    public var exitCode: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// It was stopped because it ran past ``StepJob/Limits/timeout``.
    public var timedOut: Bool
    /// It was stopped on request (``StepHandle/stop(force:)``).
    public var stopped: Bool

    public init(exitCode: Int32? = nil, signal: Int32? = nil, timedOut: Bool = false, stopped: Bool = false) {
        self.exitCode = exitCode; self.signal = signal; self.timedOut = timedOut; self.stopped = stopped
    }

    /// The status as a shell reports it: the exit code, or 128 + the signal.
    public var shellStatus: Int32 { exitCode ?? (128 + (signal ?? 0)) }
    /// Whether the command exited with status 0 by itself.
    public var succeeded: Bool { exitCode == 0 && !timedOut && !stopped }

    enum CodingKeys: String, CodingKey { case exitCode = "exit_code", signal, timedOut = "timed_out", stopped }
}

/// What an executor reports while a job runs, in order: state changes, the command's output
/// lines (stdout and stderr together, in batches of whole lines), what it appended to its
/// metrics file, and last its exit. Reports are `Codable` (one JSON object each:
/// `{"state":"running"}`, `{"output":"…"}`, `{"metrics":"BASE64"}`, `{"exited":{…}}`), so an
/// executor whose job runs elsewhere can stream them back as JSON lines.
public enum StepReport: Sendable, Equatable, Codable {
    case state(StepJobState)
    /// Output as it came: one or more whole lines, each with its terminator (`\n`, `\r\n`, or
    /// `\r` for a progress bar redrawing itself); a last line without one comes alone at the end.
    case output(String)
    /// Bytes appended to the job's ``StepJob/metricsFile`` since the last such report, in order
    /// (pieces of lines may come; the reader joins them). Every byte is reported before `.exited`.
    case metrics(Data)
    case exited(StepExit)

    enum CodingKeys: String, CodingKey { case state, output, metrics, exited }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a step report has exactly one of state, output, metrics, exited"))
        }
        switch key {
        case .state: self = .state(try container.decode(StepJobState.self, forKey: key))
        case .output: self = .output(try container.decode(String.self, forKey: key))
        case .metrics: self = .metrics(try container.decode(Data.self, forKey: key))
        case .exited: self = .exited(try container.decode(StepExit.self, forKey: key))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .state(let state): try container.encode(state, forKey: .state)
        case .output(let text): try container.encode(text, forKey: .output)
        case .metrics(let bytes): try container.encode(bytes, forKey: .metrics)
        case .exited(let exit): try container.encode(exit, forKey: .exited)
        }
    }
}
