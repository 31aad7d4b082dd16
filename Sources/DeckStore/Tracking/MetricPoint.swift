/// One point of a metric series.
public struct MetricPoint: Codable, Sendable, Equatable {
    /// The metric name (`loss`, `validation-auc`, …).
    public var key: String
    /// The value; NaN and infinities are kept as they are.
    public var value: Double
    /// The step (round, epoch, …); 0 when not given.
    public var step: Int64
    /// Seconds since 1970.
    public var timestamp: Double

    public init(key: String, value: Double, step: Int64 = 0, timestamp: Double) {
        self.key = key; self.value = value; self.step = step; self.timestamp = timestamp
    }
}

/// One point of a series read back (the key is implied).
public struct SeriesPoint: Codable, Sendable, Equatable {
    public var step: Int64
    public var value: Double
    public var timestamp: Double

    public init(step: Int64, value: Double, timestamp: Double) {
        self.step = step; self.value = value; self.timestamp = timestamp
    }
}

/// What the runs table knows of a metric without reading its series.
public struct MetricSummary: Codable, Sendable, Equatable {
    public var key: String
    /// The latest value by MLflow's rule (largest step, then timestamp, then value: ``LatestPoint``).
    public var last: Double
    public var lastStep: Int64
    public var min: Double
    public var max: Double
    public var count: Int
    /// When the latest point was logged (seconds since 1970); nil when the store does not know.
    public var lastTime: Double?

    public init(key: String, last: Double, lastStep: Int64, min: Double, max: Double, count: Int, lastTime: Double? = nil) {
        self.key = key; self.last = last; self.lastStep = lastStep; self.min = min; self.max = max; self.count = count
        self.lastTime = lastTime
    }

    enum CodingKeys: String, CodingKey { case key, last, lastStep = "last_step", min, max, count, lastTime = "last_time" }
}
