/// Content-defined chunking (FastCDC with normalized chunking, level 2).
///
/// A chunk ends where the gear rolling hash `fp = (fp << 1) &+ gear[byte]` (``GearTable``),
/// restarted at 0 at each chunk's `minimumSize`-th byte, has all bits of a mask clear:
/// - no cut before `minimumSize` (16 KiB) bytes;
/// - up to `averageSize` (64 KiB): the strict mask (`averageBits + 2` one-bits);
/// - then up to `maximumSize` (256 KiB): the loose mask (`averageBits - 2` one-bits);
/// - a chunk is cut at `maximumSize` when no position qualifies, and the file's last chunk ends
///   at the end of the file.
/// A mask with `k` one-bits has them at bit positions `62 - ⌊i·46/k⌋` for `i = 0 ..< k` (spread
/// over the high bits, so every bit depends on many preceding bytes; bit 63 is left out so that
/// two bytes can be rolled per step, as in FastCDC 2020, with the same result). Inserting or deleting bytes
/// moves only the boundaries near the edit: a new version that appends or edits a few rows stores
/// only a few new chunks.
///
/// The rules, sizes and table are part of the content hash of multi-chunk files: never change them.
public struct ContentChunker: Sendable {
    /// No chunk (except a file's last) is shorter than this.
    public let minimumSize: Int
    /// The target average size.
    public let averageSize: Int
    /// No chunk is longer than this.
    public let maximumSize: Int
    let strictMask: UInt64
    let looseMask: UInt64

    /// The chunker MLDeck uses: 16 KiB / 64 KiB / 256 KiB.
    public static let standard = ContentChunker(averageBits: 16)

    /// A chunker with an average size of `2^averageBits` bytes (minimum ¼, maximum 4× the average).
    public init(averageBits: Int) {
        precondition(averageBits >= 8 && averageBits <= 28)
        averageSize = 1 << averageBits
        minimumSize = averageSize / 4
        maximumSize = averageSize * 4
        strictMask = Self.mask(bits: averageBits + 2)
        looseMask = Self.mask(bits: averageBits - 2)
    }

    /// A mask with `bits` one-bits spread over bits 16…62.
    static func mask(bits: Int) -> UInt64 {
        var m: UInt64 = 0
        for i in 0..<bits { m |= 1 << UInt64(62 - (i * 46) / bits) }
        return m
    }

    /// The length of the chunk that starts at `bytes`, given `count` available bytes.
    ///
    /// Returns nil when more bytes are needed to decide (`count < maximumSize` and no cut was found
    /// and `isEnd` is false). The answer never depends on bytes past the returned cut, so feeding the
    /// data in any windows gives the same chunks.
    public func cut(_ bytes: UnsafePointer<UInt8>, count: Int, isEnd: Bool) -> Int? {
        if count <= minimumSize { return isEnd ? count : nil }
        let gear = GearTable.values, gear2 = GearTable.doubled
        var fp: UInt64 = 0
        var i = minimumSize
        let normal = min(averageSize, count)
        let limit = min(maximumSize, count)
        if let cut = Self.scan(bytes, from: &i, to: normal, fp: &fp, mask: strictMask, gear: gear, gear2: gear2) { return cut }
        if let cut = Self.scan(bytes, from: &i, to: limit, fp: &fp, mask: looseMask, gear: gear, gear2: gear2) { return cut }
        if limit == maximumSize { return maximumSize }
        return isEnd ? count : nil
    }

    /// Rolls the hash over `bytes[i ..< end]`; returns the cut after the first position whose hash has
    /// all `mask` bits clear. Two bytes per step (FastCDC 2020): after the first byte `fp` holds the
    /// hash shifted left by one, checked against the mask shifted left by one (the masks leave bit 63
    /// clear, so the result is the same as one byte at a time).
    @inline(__always)
    static func scan(_ bytes: UnsafePointer<UInt8>, from i: inout Int, to end: Int, fp: inout UInt64, mask: UInt64,
                     gear: UnsafePointer<UInt64>, gear2: UnsafePointer<UInt64>) -> Int? {
        let mask2 = mask << 1
        var h = fp, j = i
        // Wrapping index arithmetic (`j` < `end` ≤ a buffer's length cannot overflow): without it the
        // loop carried two overflow checks a step, ~15 % of the chunker's time.
        let lastPair = end &- 1
        while j < lastPair {
            h = (h &<< 2) &+ gear2[Int(bytes[j])]
            if h & mask2 == 0 { return j &+ 1 }
            h = h &+ gear[Int(bytes[j &+ 1])]
            if h & mask == 0 { return j &+ 2 }
            j &+= 2
        }
        if j < end {
            h = (h << 1) &+ gear[Int(bytes[j])]
            if h & mask == 0 { return j + 1 }
            j += 1
        }
        fp = h; i = j
        return nil
    }

    /// The chunk lengths of a whole buffer (the last chunk ends at the end). An empty buffer is one
    /// empty chunk.
    public func chunkLengths(_ buffer: UnsafeRawBufferPointer) -> [Int] {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return [0] }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var lengths: [Int] = []
        var start = 0
        while start < buffer.count {
            let n = cut(bytes + start, count: buffer.count - start, isEnd: true)!
            lengths.append(n)
            start += n
        }
        return lengths
    }
}
