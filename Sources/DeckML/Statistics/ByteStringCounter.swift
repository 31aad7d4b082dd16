import Foundation

/// Counts occurrences of byte strings (cell values) in an open-addressing hash table whose keys live in
/// one byte arena, so counting a cell allocates nothing. Past `limit` distinct keys it stops adding keys
/// and estimates the distinct count with a HyperLogLog (existing keys keep exact counts).
///
/// An entry takes 16 bytes (a text column of 1,000,000 distinct values holds 1,000,000 of them):
/// the hash is not kept (the slot keeps its high 32 bits; rehashing and merging hash the key
/// bytes again), nor the length: keys are appended to the arena in entry order, so a key ends
/// where the next one starts.
final class ByteStringCounter {
    struct Entry {
        var offset: Int
        var count: Int
    }

    let limit: Int
    private(set) var entries: UnsafeMutablePointer<Entry>
    private(set) var entryCount = 0
    private var entryCap: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCap: Int
    /// Open-addressing slots: 0 when empty, else (high 32 bits of the hash) << 32 | (entry index + 1).
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotMask: Int
    /// Set once the limit was reached.
    private(set) var overflow: HyperLogLog?

    init(limit: Int, initialCapacity: Int = 64) {
        self.limit = max(1, limit)
        entryCap = max(16, initialCapacity)
        entries = .allocate(capacity: entryCap)
        arenaCap = entryCap * 16
        arena = .allocate(capacity: arenaCap)
        var slotCount = 1
        while slotCount < entryCap * 2 { slotCount <<= 1 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        slotMask = slotCount - 1
    }

    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt64 { h & 0xFFFF_FFFF_0000_0000 }

    deinit {
        entries.deallocate()
        arena.deallocate()
        slots.deallocate()
    }

    /// Number of distinct keys held.
    var storedDistinct: Int { entryCount }

    /// Distinct values: exact below the limit, else the larger of the stored keys and the HLL estimate.
    var distinct: Int {
        if let h = overflow { return max(entryCount, Int(h.estimate.rounded())) }
        return entryCount
    }

    var isExact: Bool { overflow == nil }

    /// The bytes of entry `i`.
    func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + entries[i].offset, count: length(i))
    }

    /// The length of entry `i`'s key: up to the next key's start.
    @inline(__always)
    func length(_ i: Int) -> Int {
        (i + 1 < entryCount ? entries[i + 1].offset : arenaCount) - entries[i].offset
    }

    /// The hash of entry `i`'s key.
    @inline(__always)
    private func hash(ofEntry i: Int) -> UInt64 {
        ByteHashing.hash(arena + entries[i].offset, length(i))
    }

    func keyString(_ i: Int) -> String { String(decoding: key(i), as: UTF8.self) }

    /// Whether `n` bytes at `a` and `b` are equal (word compare for short keys).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n <= 8 {
            var i = 0
            while i < n { if a[i] != b[i] { return false }; i += 1 }
            return true
        }
        if n <= 16 {
            let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
            return ra.loadUnaligned(as: UInt64.self) == rb.loadUnaligned(as: UInt64.self)
                && ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(a, b, n) == 0
    }

    @inline(__always)
    func add(_ p: UnsafePointer<UInt8>, _ n: Int) {
        add(p, n, hash: ByteHashing.hash(p, n), count: 1)
    }

    func add(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, count: Int, ignoreLimit: Bool = false) {
        var s = Int(truncatingIfNeeded: h) & slotMask
        let t = Self.tag(h)
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == t {
                let e = Int(slot & 0xFFFF_FFFF) - 1
                let ent = entries[e]
                if length(e) == n && Self.equal(arena + ent.offset, p, n) {
                    entries[e].count += count
                    return
                }
            }
            s = (s + 1) & slotMask
        }
        if entryCount >= limit && !ignoreLimit {
            if overflow == nil {
                var hll = HyperLogLog()
                for i in 0..<entryCount { hll.add(hash: hash(ofEntry: i)) }
                overflow = hll
            }
            overflow!.add(hash: h)
            return
        }
        if arenaCount + n > arenaCap {
            var newCap = arenaCap * 2
            while newCap < arenaCount + n { newCap *= 2 }
            let na = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
            na.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = na
            arenaCap = newCap
        }
        if n > 0 { (arena + arenaCount).update(from: p, count: n) }
        if entryCount == entryCap {
            let newCap = entryCap * 2
            let ne = UnsafeMutablePointer<Entry>.allocate(capacity: newCap)
            ne.moveInitialize(from: entries, count: entryCount)
            entries.deallocate()
            entries = ne
            entryCap = newCap
        }
        (entries + entryCount).initialize(to: Entry(offset: arenaCount, count: count))
        slots[s] = t | UInt64(entryCount + 1)
        entryCount += 1
        arenaCount += n
        if overflow != nil { overflow!.add(hash: h) }
        if entryCount * 2 > slotMask + 1 { rehash() }
    }

    private func rehash() {
        let slotCount = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        slotMask = slotCount - 1
        for i in 0..<entryCount {
            let h = hash(ofEntry: i)
            var s = Int(truncatingIfNeeded: h) & slotMask
            while slots[s] != 0 { s = (s + 1) & slotMask }
            slots[s] = Self.tag(h) | UInt64(i + 1)
        }
    }

    /// The entry index of the key (inserting it with count 0 when new, ignoring the limit): a dictionary code.
    @inline(__always)
    func code(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let h = ByteHashing.hash(p, n)
        var s = Int(truncatingIfNeeded: h) & slotMask
        let t = Self.tag(h)
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == t {
                let e = Int(slot & 0xFFFF_FFFF) - 1
                let ent = entries[e]
                if length(e) == n && Self.equal(arena + ent.offset, p, n) {
                    return Int32(e)
                }
            }
            s = (s + 1) & slotMask
        }
        let c = Int32(entryCount)
        add(p, n, hash: h, count: 0, ignoreLimit: true)
        return c
    }

    /// Adds every key and count of `other` (ignoring the limit for its keys; sketches are merged).
    func merge(_ other: ByteStringCounter) {
        if overflow != nil || other.overflow != nil {
            var hll = overflow ?? HyperLogLog()
            if overflow == nil { for i in 0..<entryCount { hll.add(hash: hash(ofEntry: i)) } }
            if let o = other.overflow { hll.merge(o) } else {
                for i in 0..<other.entryCount { hll.add(hash: other.hash(ofEntry: i)) }
            }
            overflow = hll
        }
        for i in 0..<other.entryCount {
            let e = other.entries[i]
            let k = other.key(i)
            let p = k.baseAddress ?? UnsafePointer(bitPattern: 1)!
            add(p, k.count, hash: ByteHashing.hash(p, k.count), count: e.count, ignoreLimit: true)
        }
    }

    /// The `k` most frequent keys, most frequent first, ties by key bytes.
    func top(_ k: Int) -> [CategoryCount] {
        guard k > 0, entryCount > 0 else { return [] }
        var idx = Array(0..<entryCount)
        func less(_ a: Int, _ b: Int) -> Bool {
            let ca = entries[a].count, cb = entries[b].count
            if ca != cb { return ca > cb }
            let ka = key(a), kb = key(b)
            let m = min(ka.count, kb.count)
            if m > 0 {
                let c = memcmp(ka.baseAddress!, kb.baseAddress!, m)
                if c != 0 { return c < 0 }
            }
            return ka.count < kb.count
        }
        if entryCount > k * 4 {
            // Partial selection: keep a small sorted buffer.
            var best: [Int] = []
            best.reserveCapacity(k + 1)
            for i in idx {
                if best.count < k || less(i, best[best.count - 1]) {
                    var lo = 0, hi = best.count
                    while lo < hi { let mid = (lo + hi) / 2; if less(best[mid], i) { lo = mid + 1 } else { hi = mid } }
                    best.insert(i, at: lo)
                    if best.count > k { best.removeLast() }
                }
            }
            idx = best
        } else {
            idx.sort(by: less)
            if idx.count > k { idx.removeLast(idx.count - k) }
        }
        return idx.map { CategoryCount(value: keyString($0), count: entries[$0].count) }
    }
}
