import Foundation

/// The diff's sink: per row, a hash of its key cells, a hash of its compared cells and its file offset.
final class RowFingerprintLane: RecordSink, @unchecked Sendable {
    let keyColumns: [Int]
    let hashColumns: [Int]
    var keyHashes = GrowableBuffer<UInt64>()
    var rowHashes = GrowableBuffer<UInt64>()
    var offsets = GrowableBuffer<Int64>()
    var segments: [(id: Int, start: Int)] = []

    init(keyColumns: [Int], hashColumns: [Int]) {
        self.keyColumns = keyColumns
        self.hashColumns = hashColumns
    }

    deinit {
        keyHashes.free()
        rowHashes.free()
        offsets.free()
    }

    func beginSegment(_ id: Int) { segments.append((id, rowHashes.count)) }

    @inline(__always)
    static func combine(_ h: UInt64, _ field: UInt64, _ j: Int) -> UInt64 {
        ByteHashing.mix(h ^ field, 0x9E37_79B9_7F4A_7C15 &+ UInt64(j) &* 0x2545_F491_4F6C_DD1D)
    }

    @inline(__always)
    static func hashCells(_ record: TableRecord, _ columns: [Int]) -> UInt64 {
        var h: UInt64 = 0x5851_F42D_4C95_7F2D
        for (j, c) in columns.enumerated() {
            h = combine(h, ByteHashing.hash(record.base + record.starts[c], record.lens[c], seed: UInt64(j)), j)
        }
        return h
    }

    func consume(_ record: TableRecord) {
        if !keyColumns.isEmpty { keyHashes.append(Self.hashCells(record, keyColumns)) }
        rowHashes.append(Self.hashCells(record, hashColumns))
        offsets.append(record.offset)
    }
}

/// The rows' fingerprints of one file, in file order.
struct RowFingerprints {
    var keyHashes: [UInt64]
    var rowHashes: [UInt64]
    var offsets: [Int64]

    var count: Int { rowHashes.count }

    /// Concatenates the lanes' segments in file order.
    init(lanes: [RowFingerprintLane]) {
        var pieces: [(id: Int, lane: Int, start: Int, end: Int)] = []
        for (l, lane) in lanes.enumerated() {
            for (i, s) in lane.segments.enumerated() {
                let end = i + 1 < lane.segments.count ? lane.segments[i + 1].start : lane.rowHashes.count
                if end > s.start { pieces.append((s.id, l, s.start, end)) }
            }
        }
        pieces.sort { $0.id < $1.id }
        let total = lanes.reduce(0) { $0 + $1.rowHashes.count }
        keyHashes = []
        rowHashes = []
        offsets = []
        rowHashes.reserveCapacity(total)
        offsets.reserveCapacity(total)
        let keyed = lanes.contains { $0.keyHashes.count > 0 }
        if keyed { keyHashes.reserveCapacity(total) }
        for p in pieces {
            let lane = lanes[p.lane]
            rowHashes.append(contentsOf: UnsafeBufferPointer(rebasing: lane.rowHashes.buffer[p.start..<p.end]))
            offsets.append(contentsOf: UnsafeBufferPointer(rebasing: lane.offsets.buffer[p.start..<p.end]))
            if keyed { keyHashes.append(contentsOf: UnsafeBufferPointer(rebasing: lane.keyHashes.buffer[p.start..<p.end])) }
        }
    }
}

/// Rows grouped by a 64-bit hash, each group a queue in order of appearance (open addressing).
struct HashQueues {
    private var hashes: [UInt64]
    private var heads: [Int32]
    private var tails: [Int32]
    private var next: [Int32]
    private let mask: Int

    /// Groups `rows` by hash; also counts rows whose hash was already seen.
    init(_ rowHashes: [UInt64], duplicates: inout Int) {
        var cap = 16
        while cap < rowHashes.count * 2 { cap <<= 1 }
        mask = cap - 1
        hashes = [UInt64](repeating: 0, count: cap)
        heads = [Int32](repeating: -1, count: cap)
        tails = [Int32](repeating: -1, count: cap)
        next = [Int32](repeating: -1, count: rowHashes.count)
        var dup = 0
        rowHashes.withUnsafeBufferPointer { rh in
            hashes.withUnsafeMutableBufferPointer { hs in
                heads.withUnsafeMutableBufferPointer { hd in
                    tails.withUnsafeMutableBufferPointer { tl in
                        next.withUnsafeMutableBufferPointer { nx in
                            for i in 0..<rh.count {
                                let h = rh[i]
                                var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
                                while hd[s] >= 0 && hs[s] != h { s = (s + 1) & mask }
                                if hd[s] < 0 {
                                    hs[s] = h; hd[s] = Int32(i); tl[s] = Int32(i)
                                } else {
                                    nx[Int(tl[s])] = Int32(i); tl[s] = Int32(i)
                                    dup += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        duplicates = dup
    }

    /// Removes and returns the first remaining row with hash `h`.
    mutating func pop(_ h: UInt64) -> Int? {
        var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while heads[s] >= 0 || tails[s] >= 0 {
            if hashes[s] == h {
                let r = heads[s]
                if r < 0 { return nil }
                heads[s] = next[Int(r)]
                return Int(r)
            }
            s = (s + 1) & mask
        }
        return nil
    }
}
