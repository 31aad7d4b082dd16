import Foundation

/// The parsers of outside input that `make fuzz` runs libFuzzer on, and that the normal test
/// build replays the committed corpora through (`Fuzz/Corpus/<target>/`).
///
/// Each target feeds one input to one parser entry point, the same one the product uses, and
/// ignores the typed error a bad input must produce: a fuzzer counts only crashes, hangs and
/// memory errors.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// CSV and TSV bodies: the reader, header normalisation and type inference (`DataTable.load`).
    case csv
    /// JSON Lines files through the same loader.
    case jsonl
    /// The filter language: parse, evaluate in memory, compile to SQL.
    case filter
    /// `mldeck.yaml`: YAML loading (limits), the spec parser and the validator (cron included).
    case spec
    /// A scoring request body (the four JSON formats and CSV) and its check against a signature.
    case scoring
    /// `/feedback` bodies.
    case feedback
    /// MLflow REST bodies: the JSON parser and the typed field readers, page tokens, query strings.
    case mlflow
    /// One line of the metrics-file protocol (`MLDECK_METRICS_FILE`).
    case metricsLine = "metrics-line"
    /// Theme files.
    case theme

    /// Runs one input through the target's parser.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .csv: TableFuzz.delimited(bytes)
        case .jsonl: TableFuzz.jsonLines(bytes)
        case .filter: TextFuzz.filter(bytes)
        case .spec: TextFuzz.spec(bytes)
        case .scoring: HTTPFuzz.scoring(bytes)
        case .feedback: HTTPFuzz.feedback(bytes)
        case .mlflow: HTTPFuzz.mlflow(bytes)
        case .metricsLine: TextFuzz.metricsLine(bytes)
        case .theme: TextFuzz.theme(bytes)
        }
    }

    /// The target named by `MLDECK_FUZZ_TARGET`, or nil (with the names on standard error).
    public static func fromEnvironment() -> FuzzTarget? {
        let name = ProcessInfo.processInfo.environment["MLDECK_FUZZ_TARGET"] ?? ""
        if let target = FuzzTarget(rawValue: name) { return target }
        FileHandle.standardError.write(Data("MLDECK_FUZZ_TARGET must be one of: \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        return nil
    }

    /// Text from bytes the way the product reads a file: invalid UTF-8 repaired, not refused.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
