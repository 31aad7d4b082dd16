/// An error in `mldeck.yaml`: names the file, the line (and column), the key, and says what was
/// expected.
public struct PipelineConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (as given, usually `mldeck.yaml` with its path).
    public var file: String
    public var location: ConfigLocation?
    /// The dotted key, e.g. `pipelines.churn.steps.train.needs`.
    public var key: String
    public var message: String

    public init(file: String, location: ConfigLocation?, key: String, message: String) {
        self.file = file; self.location = location; self.key = key; self.message = message
    }

    public var description: String {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

/// Several config errors found at once (validation reports all it finds).
public struct PipelineConfigErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [PipelineConfigError]

    public init(_ errors: [PipelineConfigError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
