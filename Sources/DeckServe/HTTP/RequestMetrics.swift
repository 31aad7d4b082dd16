import Foundation

/// Counters a server keeps and `GET /metrics` shows in Prometheus' text format: requests by
/// status, a latency histogram, and whatever the owner adds (predictions logged, dropped log
/// entries) through ``extraLines``.
public final class RequestMetrics: @unchecked Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    public static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private let lock = NSLock()
    private var byStatus: [Int: Int] = [:]
    private var bucketCounts = [Int](repeating: 0, count: RequestMetrics.buckets.count + 1)
    private var latencySum = 0.0
    private var total = 0
    /// The metric prefix (`mldeck_serve`).
    public let prefix: String

    public init(prefix: String = "mldeck_serve") { self.prefix = prefix }

    /// Records one answered request.
    public func record(status: Int, seconds: Double) {
        var bucket = Self.buckets.count
        for (i, bound) in Self.buckets.enumerated() where seconds <= bound { bucket = i; break }
        lock.lock()
        byStatus[status, default: 0] += 1
        bucketCounts[bucket] += 1
        latencySum += seconds
        total += 1
        lock.unlock()
    }

    /// Requests answered so far.
    public var requestCount: Int { lock.lock(); defer { lock.unlock() }; return total }

    /// Requests answered with `status`.
    public func count(status: Int) -> Int { lock.lock(); defer { lock.unlock() }; return byStatus[status] ?? 0 }

    /// The Prometheus exposition text (version 0.0.4), with `extra` lines appended.
    public func prometheusText(extra: [String] = []) -> String {
        lock.lock()
        let statuses = byStatus.sorted { $0.key < $1.key }
        let counts = bucketCounts, sum = latencySum, n = total
        lock.unlock()
        var lines: [String] = []
        lines.append("# HELP \(prefix)_requests_total HTTP requests answered, by status.")
        lines.append("# TYPE \(prefix)_requests_total counter")
        for (status, count) in statuses { lines.append("\(prefix)_requests_total{status=\"\(status)\"} \(count)") }
        lines.append("# HELP \(prefix)_request_duration_seconds Time to answer a request.")
        lines.append("# TYPE \(prefix)_request_duration_seconds histogram")
        var cumulative = 0
        for (i, bound) in Self.buckets.enumerated() {
            cumulative += counts[i]
            lines.append("\(prefix)_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("\(prefix)_request_duration_seconds_bucket{le=\"+Inf\"} \(n)")
        lines.append("\(prefix)_request_duration_seconds_sum \(sum)")
        lines.append("\(prefix)_request_duration_seconds_count \(n)")
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }
}
