extension Duration {
    /// The duration in seconds, as a Double (timings, latencies, metrics).
    public var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
