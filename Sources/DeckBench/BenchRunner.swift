/// Runs benchmark suites one after another. A suite that fails (a missing tool, a server that did
/// not start) is recorded and the others still run, so `mldeck bench --json` prints the figures
/// it has and then says which suites failed, instead of printing nothing.
public enum BenchRunner {
    /// A suite that threw, with its message.
    public struct Failure: Sendable, Equatable {
        public let suite: String
        public let message: String

        public init(suite: String, message: String) { self.suite = suite; self.message = message }
    }

    /// Every figure the suites gave, and the suites that failed.
    public struct Outcome: Sendable {
        public var figures: [BenchFigure] = []
        public var failures: [Failure] = []
    }

    /// Runs `suites` in order, each in `directory/NAME`.
    /// - Parameters:
    ///   - log: a suite's progress line, with its name.
    ///   - finished: the figures of each suite that ran to the end, as soon as it did.
    public static func run(_ suites: [any BenchSuite], in directory: String,
                           log: (_ suite: String, _ line: String) -> Void,
                           finished: ([BenchFigure]) -> Void = { _ in }) -> Outcome {
        var outcome = Outcome()
        for suite in suites {
            do {
                let figures = try suite.run(in: directory + "/" + suite.name) { log(suite.name, $0) }
                outcome.figures += figures
                finished(figures)
            } catch {
                outcome.failures.append(Failure(suite: suite.name, message: "\(error)"))
                log(suite.name, "failed: \(error)")
            }
        }
        return outcome
    }
}

/// `mldeck bench` ran, but some suites failed (their figures are missing from what it printed).
public struct BenchSuitesFailed: Error, CustomStringConvertible {
    public let failures: [BenchRunner.Failure]

    public init(_ failures: [BenchRunner.Failure]) { self.failures = failures }

    public var description: String {
        let list = failures.map { "\($0.suite) (\($0.message))" }.joined(separator: "; ")
        return "\(failures.count) suite\(failures.count == 1 ? "" : "s") failed, the figures printed are the others': \(list)"
    }
}
