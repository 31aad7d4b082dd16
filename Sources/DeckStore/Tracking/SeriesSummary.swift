/// MLflow's rule for a metric's "latest" value, adopted for every MLDeck run: the point with the
/// largest (step, timestamp, value), NaN below every number; among equal points the one logged later.
public enum LatestPoint {
    /// Whether `a` comes before `b` in that order (so `b` is the later of the two).
    public static func precedes(_ a: SeriesPoint, _ b: SeriesPoint) -> Bool {
        if a.step != b.step { return a.step < b.step }
        if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
        if a.value.isNaN { return !b.value.isNaN }
        return !b.value.isNaN && a.value < b.value
    }
}

/// What a batch of points contributes to a metric's summary row: the latest point by
/// ``LatestPoint`` (MLflow's rule), and the minimum and maximum ignoring NaN. NaN is returned as
/// nil, since SQLite cannot store it.
struct SeriesSummary {
    var last: Double?
    var lastStep: Int64
    var lastTime: Double
    var min: Double?
    var max: Double?

    init(_ series: [SeriesPoint]) {
        var latest = series[0]
        var low: Double?, high: Double?
        for p in series {
            if !LatestPoint.precedes(p, latest) { latest = p }
            guard !p.value.isNaN else { continue }
            if low == nil || p.value < low! { low = p.value }
            if high == nil || p.value > high! { high = p.value }
        }
        last = latest.value.isNaN ? nil : latest.value
        lastStep = latest.step
        lastTime = latest.timestamp
        min = low
        max = high
    }
}
