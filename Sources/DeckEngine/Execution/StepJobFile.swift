import DeckInput
import DeckStore
import Foundation

/// A ``StepJob`` written to a JSON file and run by a fresh process (`mldeck internal run-job`):
/// the form in which a job crosses to another process or machine. The runner writes the job's
/// output lines to a log file as they come, optionally every report as a JSON line, and its
/// ``StepExit`` to a result file, so the caller needs nothing but paths to follow it — not this
/// process's descriptors, not its store.
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

    /// Runs the job in `jobPath` with `executor`, appending its output to `logPath` as it comes
    /// and, when `reportsPath` is given, every ``StepReport`` to it as one JSON line (what a
    /// caller elsewhere follows); writes the exit to `resultPath` as JSON when the job ended and
    /// returns it. The paths belong to the caller that wrote the job (they are created or replaced).
    public static func run(jobPath: String, logPath: String, resultPath: String, reportsPath: String? = nil,
                           executor: any StepExecutor = LocalStepExecutor(), cancellation: CancellationToken? = nil) throws -> StepExit {
        let job = try decode(path: jobPath)
        let log = try create(logPath)
        defer { try? log.close() }
        let reports = try reportsPath.map(create)
        defer { try? reports?.close() }
        let exit = try executor.run(job, cancellation: cancellation) { report in
            if case .output(let text) = report { try? log.write(contentsOf: Data(text.utf8)) }
            if let reports, let line = try? sortedEncoder().encode(report) { try? reports.write(contentsOf: line + Data("\n".utf8)) }
        }
        try sortedEncoder().encode(exit).write(to: URL(fileURLWithPath: resultPath), options: .atomic)
        return exit
    }

    /// The lines of a reports file written by ``run(jobPath:logPath:resultPath:reportsPath:executor:cancellation:)``,
    /// decoded; a last line without its newline (still being written) is left for the next read.
    public static func reports(in text: Data) throws -> (reports: [StepReport], consumed: Int) {
        var out: [StepReport] = []
        var start = text.startIndex
        let decoder = JSONDecoder()
        while let end = text[start...].firstIndex(of: 0x0A) {
            out.append(try decoder.decode(StepReport.self, from: text[start..<end]))
            start = end + 1
        }
        return (out, start - text.startIndex)
    }

    private static func sortedEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    private static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Problem.unreadable(path: path, reason: "cannot create the file")
        }
        return handle
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
