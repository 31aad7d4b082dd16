import DeckStore

/// How `mldeck serve` runs.
public struct ServeOptions: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (the address is announced and registered).
    public var port = 5005
    /// Event-loop threads (nil: ``EventLoopThreads/defaultCount(_:cores:)`` for scoring, one per core).
    public var threads: Int?
    public var strictColumns = false
    public var token: BearerToken?
    /// Largest request body in bytes.
    public var maxBody = RequestBodyReader.defaultLimit
    /// Whether predictions are logged.
    public var logPredictions = true
    /// Queued log rows at most before new ones are dropped.
    public var logQueue = PredictionLogWriter.defaultCapacity
    public var retention = RetentionPolicy.default
    /// Test hook: seconds the log writer pauses after each write.
    public var logWriteDelay = 0.0
    /// An alias of the same model that scores the requests too, off the request path, every one that
    /// finds room in its inbox (`--shadow`).
    public var shadowAlias: String?
    /// How often the alias is checked.
    public var watchInterval: Duration = .milliseconds(100)

    public init() {}
}
