/// A fast 64-bit hash of byte strings (multiply–xor mixing over 8-byte words, in the style of wyhash).
/// Not cryptographic; used for hash tables, distinct-count sketches and row fingerprints.
enum ByteHashing {
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64 = 0) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        var h = seed ^ 0xA076_1D64_78BD_642F ^ (UInt64(truncatingIfNeeded: n) &* 0xE703_7ED1_A0B4_28DB)
        var a: UInt64 = 0
        var b: UInt64 = 0
        if n <= 16 {
            if n >= 8 {
                a = raw.loadUnaligned(as: UInt64.self)
                b = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                a = UInt64(raw.loadUnaligned(as: UInt32.self))
                b = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            } else if n > 0 {
                a = UInt64(p[0]) << 16 | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1])
            }
        } else {
            var i = 0
            while i + 16 < n {
                h = mix(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x8EBC_6AF0_9C88_C6E3,
                        raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) ^ h)
                i += 16
            }
            a = raw.loadUnaligned(fromByteOffset: n - 16, as: UInt64.self)
            b = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return mix(0x8EBC_6AF0_9C88_C6E3 ^ UInt64(truncatingIfNeeded: n), mix(a ^ 0x5899_65CC_7537_4CC3, b ^ h))
    }

    /// Hash of a 64-bit value.
    @inline(__always)
    static func hash(_ v: UInt64) -> UInt64 {
        mix(v ^ 0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB) ^ v
    }
}
