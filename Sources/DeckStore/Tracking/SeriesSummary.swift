/// What a batch of points contributes to a metric's summary row: the point at the highest step
/// (the latest logged among equal steps), and the minimum and maximum ignoring NaN. NaN is
/// returned as nil, since SQLite cannot store it.
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
            if p.step >= latest.step { latest = p }
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
