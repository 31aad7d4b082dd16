/// The 256 random 64-bit values of the gear rolling hash used by ``ContentChunker``.
///
/// They are fixed forever: chunk boundaries (and therefore the content hashes of multi-chunk
/// files) must be identical in every clone and every build. The table is the first 256 outputs
/// of SplitMix64 seeded with `0x6D6C_6465_636B_3031` (ASCII "mldeck01"):
/// `state += 0x9E3779B97F4A7C15; z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
/// z = (z ^ (z >> 27)) * 0x94D049BB133111EB; value = z ^ (z >> 31)` (all arithmetic mod 2^64).
enum GearTable {
    /// The seed of the generator.
    static let seed: UInt64 = 0x6D6C_6465_636B_3031

    /// The table, allocated once and never freed (read concurrently, never written).
    nonisolated(unsafe) static let values: UnsafePointer<UInt64> = {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        var state = seed
        for i in 0..<256 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            table[i] = z ^ (z >> 31)
        }
        return UnsafePointer(table)
    }()

    /// `values[i] << 1`, for the two-bytes-per-step loop.
    nonisolated(unsafe) static let doubled: UnsafePointer<UInt64> = {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        for i in 0..<256 { table[i] = values[i] << 1 }
        return UnsafePointer(table)
    }()
}
