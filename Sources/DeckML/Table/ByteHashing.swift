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
        var i = 0
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = mix(h ^ w, 0x8EBC_6AF0_9C88_C6E3)
            i += 8
        }
        if i < n {
            var t: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { t |= UInt64(p[i]) << shift; shift += 8; i += 1 }
            h = mix(h ^ t, 0x5899_65CC_7537_4CC3)
        }
        return mix(h, 0x1D8E_4E27_C47D_124F)
    }

    /// Hash of a 64-bit value.
    @inline(__always)
    static func hash(_ v: UInt64) -> UInt64 {
        mix(v ^ 0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB) ^ v
    }
}
