import Foundation

/// Per-lane, per-column state of the profiler: cell kinds seen, numeric values (or a sketch),
/// boolean counts, datetime extremes and a value counter for text.
///
/// Numeric values are kept exactly, in the narrowest of three forms that holds every value so
/// far: `Int16` while all are integers within ±32,767 (2 bytes a value: a code or count column
/// of 1,000,000 rows holds 6 MB less than as doubles), `Int32` (4 bytes: an id column), else
/// `Double`. A value that does not fit widens the stored ones once; `Double` holds every
/// `Int32` exactly, so the statistics are the same in every form.
final class ColumnAccumulator {
    static let kindInteger: UInt8 = 1, kindFloat: UInt8 = 2, kindBool: UInt8 = 4, kindDate: UInt8 = 8

    /// Non-text columns keep a value counter while they have at most this many distinct values, so that
    /// turning into text later still gives exact counts.
    static let smallCounterLimit = 1024

    /// The state touched for every cell, kept outside the object so updates need no exclusivity checks.
    struct Hot {
        var missing = 0
        var nonMissing = 0
        var seen: UInt8 = 0
        var isText = false
        var sketching = false
        var trueCount = 0
        var falseCount = 0
        var values = GrowableDoubles()
        /// The values while `width` is 2 or 4: integers within `Int16` / `Int32` (and no `-0`).
        var shorts = GrowableBuffer<Int16>()
        var ints = GrowableBuffer<Int32>()
        /// Bytes a stored value takes: 2 (`shorts`), 4 (`ints`) or 8 (`values`).
        var width = 2
        var counter: Unmanaged<ByteStringCounter>?
        /// Used when `sketching`.
        var sketch = NumericSketch(capacity: 1, seed: 0)
    }

    let distinctLimit: Int
    private let hot: UnsafeMutablePointer<Hot>
    /// The sketch, once the column switched to bounded memory.
    var sketch: NumericSketch? { hot.pointee.sketching ? hot.pointee.sketch : nil }
    /// The value counter (text, or small while the column looks non-text).
    var counter: ByteStringCounter? {
        didSet { hot.pointee.counter = counter.map { Unmanaged.passUnretained($0) } }
    }
    /// False once the counter missed some non-missing cells (it was dropped while the column looked numeric).
    var counterComplete = true
    /// When the counter missed cells: the distinct numbers seen before the column turned to text
    /// (an estimate of the distinct values the counter missed).
    var missedDistinct = 0
    var dateMin = Double.infinity
    var dateMax = -Double.infinity
    var dateMinText: [UInt8] = []
    var dateMaxText: [UInt8] = []

    init(distinctLimit: Int) {
        self.distinctLimit = distinctLimit
        hot = .allocate(capacity: 1)
        hot.initialize(to: Hot())
        counter = ByteStringCounter(limit: Self.smallCounterLimit + 1)
        hot.pointee.counter = Unmanaged.passUnretained(counter!)
    }

    deinit {
        hot.pointee.values.free()
        hot.pointee.ints.free()
        hot.pointee.shorts.free()
        hot.deinitialize(count: 1)
        hot.deallocate()
    }

    var missing: Int { hot.pointee.missing }
    var nonMissing: Int { hot.pointee.nonMissing }
    var seen: UInt8 { hot.pointee.seen }
    var isText: Bool { hot.pointee.isText }
    var trueCount: Int { hot.pointee.trueCount }
    var falseCount: Int { hot.pointee.falseCount }
    /// How many values are stored (exact mode).
    var storedCount: Int { hot.pointee.values.count + hot.pointee.ints.count + hot.pointee.shorts.count }

    /// Bytes a stored value takes now: 2 or 4 while the values are 16- or 32-bit integers, else 8.
    var bytesPerStoredValue: Int { hot.pointee.width }

    /// The stored (exact-mode) values in the order they were added.
    func storedValues() -> [Double] {
        var out: [Double] = []
        appendStoredValues(to: &out)
        return out
    }

    /// Appends the stored values, in the order they were added, to `out`.
    func appendStoredValues(to out: inout [Double]) {
        switch hot.pointee.width {
        case 2:
            out.reserveCapacity(out.count + hot.pointee.shorts.count)
            for i in hot.pointee.shorts.buffer { out.append(Double(i)) }
        case 4:
            out.reserveCapacity(out.count + hot.pointee.ints.count)
            for i in hot.pointee.ints.buffer { out.append(Double(i)) }
        default:
            out.append(contentsOf: hot.pointee.values.buffer)
        }
    }

    /// Makes room for `n` stored values.
    func reserveValues(_ n: Int) {
        switch hot.pointee.width {
        case 2: hot.pointee.shorts.reserve(n)
        case 4: hot.pointee.ints.reserve(n)
        default: hot.pointee.values.reserve(n)
        }
    }

    /// Frees stored values, sketch and counter.
    func releaseAll() {
        hot.pointee.values.free()
        hot.pointee.ints.free()
        hot.pointee.shorts.free()
        hot.pointee.sketching = false
        hot.pointee.sketch = NumericSketch(capacity: 1, seed: 0)
        counter = nil
    }

    private func becomeText() {
        if counter == nil {
            if hot.pointee.sketching {
                missedDistinct = Int(hot.pointee.sketch.hll.estimate.rounded())
            } else {
                var copy = storedValues()
                copy.withUnsafeMutableBufferPointer { RadixSort.sort($0) }
                missedDistinct = copy.withUnsafeBufferPointer { NumericSummary.distinct(sorted: $0) }
            }
        }
        hot.pointee.isText = true
        hot.pointee.values.free()
        hot.pointee.ints.free()
        hot.pointee.shorts.free()
        hot.pointee.sketching = false
        hot.pointee.sketch = NumericSketch(capacity: 1, seed: 0)
        if counter == nil {
            counter = ByteStringCounter(limit: distinctLimit)
        } else if counter!.limit < distinctLimit {
            // Move the small counter into one with the full limit.
            let big = ByteStringCounter(limit: distinctLimit, initialCapacity: 2048)
            big.merge(counter!)
            counter = big
        }
    }

    @inline(__always)
    private func store(_ v: Double) {
        let h = hot
        if h.pointee.sketching { h.pointee.sketch.add(v); return }
        if h.pointee.width != 8 { widen() }
        h.pointee.values.append(v)
    }

    @inline(__always)
    private func storeInteger(_ v: Double) {
        let h = hot
        if h.pointee.sketching { h.pointee.sketch.add(v); return }
        if h.pointee.width == 2 {
            if let i = Int16(exactly: v), i != 0 || v.sign == .plus { h.pointee.shorts.append(i); return }
            widenToInt32()
        }
        if h.pointee.width == 4 {
            if let i = Int32(exactly: v), i != 0 || v.sign == .plus { h.pointee.ints.append(i); return }
            widen()
        }
        h.pointee.values.append(v)
    }

    /// Moves the 16-bit integers into the 32-bit buffer (keeping the reserved capacity).
    private func widenToInt32() {
        let h = hot
        h.pointee.width = 4
        let shorts = h.pointee.shorts
        if shorts.capacity > 0 {
            h.pointee.ints.reserve(shorts.capacity)
            for i in shorts.buffer { h.pointee.ints.append(Int32(i)) }
        }
        h.pointee.shorts.free()
    }

    /// Moves the stored integers into the `Double` buffer (keeping the reserved capacity); from
    /// then on every value is stored as a `Double`.
    private func widen() {
        if hot.pointee.width == 2 { widenToInt32() }
        let h = hot
        h.pointee.width = 8
        let ints = h.pointee.ints
        if ints.capacity > 0 {
            h.pointee.values.reserve(Swift.max(ints.capacity, h.pointee.values.count + ints.count))
            for i in ints.buffer { h.pointee.values.append(Double(i)) }
        }
        h.pointee.ints.free()
    }

    @inline(__always)
    func add(_ p: UnsafePointer<UInt8>, _ n: Int, _ matcher: MissingValueMatcher) {
        let h = hot
        if matcher.isMissing(p, n) { h.pointee.missing += 1; return }
        h.pointee.nonMissing += 1
        if h.pointee.isText { h.pointee.counter.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.add(p, n) }; return }
        let (kind, v) = CellParser.classify(p, n)
        let before = h.pointee.seen
        var bit: UInt8 = 0
        switch kind {
        case .integer: bit = Self.kindInteger; storeInteger(v)
        case .float: bit = Self.kindFloat; store(v)
        case .boolean:
            bit = Self.kindBool
            if v == 1 { h.pointee.trueCount += 1 } else { h.pointee.falseCount += 1 }
        case .datetime:
            bit = Self.kindDate
            store(v)
            if v < dateMin { dateMin = v; dateMinText = Array(UnsafeBufferPointer(start: p, count: n)) }
            if v > dateMax { dateMax = v; dateMaxText = Array(UnsafeBufferPointer(start: p, count: n)) }
        case .text, .missing:
            becomeText()
            counter!.add(p, n)
            return
        }
        if before & bit == 0 {
            h.pointee.seen = before | bit
            if Self.families(before | bit) > 1 {
                becomeText()
                counter!.add(p, n)
                return
            }
        }
        if let c = h.pointee.counter {
            let full = c._withUnsafeGuaranteedRef { c in
                c.add(p, n)
                return c.storedDistinct > Self.smallCounterLimit
            }
            if full {
                counter = nil
                counterComplete = false
            }
        }
    }

    /// Number of type families (numbers, booleans, datetimes) in a `seen` mask.
    static func families(_ seen: UInt8) -> Int {
        (seen & (kindInteger | kindFloat) != 0 ? 1 : 0) + (seen & kindBool != 0 ? 1 : 0) + (seen & kindDate != 0 ? 1 : 0)
    }

    /// Stored values plus sketched values.
    var numericCount: Int { storedCount + (hot.pointee.sketching ? hot.pointee.sketch.count : 0) }

    /// Switches to bounded memory: values go into a sketch keeping `capacity` of them.
    func startSketch(capacity: Int, seed: UInt64) {
        guard !hot.pointee.sketching, !isText else { return }
        hot.pointee.sketch = storedValues().withUnsafeBufferPointer { NumericSketch(values: $0, capacity: capacity, seed: seed) }
        hot.pointee.values.free()
        hot.pointee.ints.free()
        hot.pointee.shorts.free()
        hot.pointee.sketching = true
    }
}
