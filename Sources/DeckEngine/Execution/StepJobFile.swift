import DeckInput
import DeckStore
import Foundation

/// A ``StepJob`` written to a JSON file and run by a fresh process (`mldeck internal run-job`):
/// the form in which a job crosses to another process or machine. The runner writes the job's
/// output lines to a log file as they come and its ``StepExit`` to a result file, so the caller
/// needs nothing but paths to follow it — not this process's descriptors, not its store.
public enum StepJobFile {
    /// Errors reading a job file, for the user.
    public enum Problem: Error, CustomStringConvertible, CategorizedError {
        case unreadable(path: String, reason: String)
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read the job file \(path): \(reason)"
            case .invalid(let path, let reason): return "\(path) is not a step job (JSON written by StepJobFile.encode): \(reason)"
            }
        }
        public var category: ErrorCategory { .invalidArgument }
    }

    /// The JSON of `job` (sorted keys, so equal jobs give equal bytes).
    public static func encode(_ job: StepJob) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(job)
    }

    /// Reads the job in `path`.
    public static func decode(path: String) throws -> StepJob {
        let data: Data
        do { data = try InputFile.read(path, limit: 16 << 20) } catch {
            throw Problem.unreadable(path: path, reason: "\(error)")
        }
        do { return try JSONDecoder().decode(StepJob.self, from: data) } catch let error as DecodingError {
            throw Problem.invalid(path: path, reason: describe(error))
        }
    }

    /// Runs the job in `jobPath` with `executor`, appending its output to `logPath` as it comes and writing the exit to `resultPath` as JSON when the job ended; returns the exit.
    /// The two paths belong to the caller that wrote the job (they are created or replaced).
    public static func run(jobPath: String, logPath: String, resultPath: String,
                           executor: any StepExecutor = LocalStepExecutor(), cancellation: CancellationToken? = nil) throws -> StepExit {
        let job = try decode(path: jobPath)
        guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath) else {
            throw Problem.unreadable(path: logPath, reason: "cannot create the log file")
        }
        defer { try? log.close() }
        let exit = try executor.run(job, cancellation: cancellation) { report in
            if case .output(let text) = report { try? log.write(contentsOf: Data(text.utf8)) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(exit).write(to: URL(fileURLWithPath: resultPath), options: .atomic)
        return exit
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "the key '\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "bad value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        @unknown default: return "not a step job"
        }
    }
}
