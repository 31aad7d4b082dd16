import Foundation

/// One column as loaded by one lane: numbers while every cell looks like one type family, else
/// dictionary codes. Per-cell state lives behind a pointer (no exclusivity or uniqueness checks).
final class LoaderColumn {
    struct Hot {
        var seen: UInt8 = 0
        var isText = false
        /// The column turned to text after numbers were stored: it is coded again in a second pass.
        var needsRescan = false
        var nonMissing = 0
        var values = GrowableBuffer<Double>()
        var codes = GrowableBuffer<Int32>()
        var dictionary: Unmanaged<ByteStringCounter>?
    }

    private let hot: UnsafeMutablePointer<Hot>
    private(set) var dictionary: ByteStringCounter? {
        didSet { hot.pointee.dictionary = dictionary.map { Unmanaged.passUnretained($0) } }
    }

    init(textOnly: Bool = false) {
        hot = .allocate(capacity: 1)
        hot.initialize(to: Hot())
        if textOnly { startCodes(missingBefore: 0) }
    }

    deinit {
        releaseAll()
        hot.deinitialize(count: 1)
        hot.deallocate()
    }

    var seen: UInt8 { hot.pointee.seen }
    var isText: Bool { hot.pointee.isText }
    var needsRescan: Bool { hot.pointee.needsRescan }
    var nonMissing: Int { hot.pointee.nonMissing }
    var values: UnsafeBufferPointer<Double> { hot.pointee.values.buffer }
    var codes: UnsafeBufferPointer<Int32> { hot.pointee.codes.buffer }

    /// Makes room for `n` rows in all.
    func reserve(_ n: Int) {
        if hot.pointee.isText { hot.pointee.codes.reserve(n) } else if !hot.pointee.needsRescan { hot.pointee.values.reserve(n) }
    }

    func releaseAll() {
        hot.pointee.values.free()
        hot.pointee.codes.free()
        dictionary = nil
    }

    private func startCodes(missingBefore: Int) {
        hot.pointee.isText = true
        hot.pointee.values.free()
        hot.pointee.codes.reserve(max(1024, missingBefore))
        for _ in 0..<missingBefore { hot.pointee.codes.append(-1) }
        dictionary = ByteStringCounter(limit: Int.max, initialCapacity: 256)
    }

    @inline(__always)
    func add(_ p: UnsafePointer<UInt8>, _ n: Int, _ matcher: MissingValueMatcher) {
        let h = hot
        if h.pointee.needsRescan { return }
        if matcher.isMissing(p, n) {
            if h.pointee.isText { h.pointee.codes.append(-1) } else { h.pointee.values.append(.nan) }
            return
        }
        if h.pointee.isText {
            let code = h.pointee.dictionary.unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.code(p, n) }
            h.pointee.codes.append(code)
            return
        }
        let (kind, v) = CellParser.classify(p, n)
        let bit: UInt8
        switch kind {
        case .integer: bit = ColumnAccumulator.kindInteger
        case .float: bit = ColumnAccumulator.kindFloat
        case .boolean: bit = ColumnAccumulator.kindBool
        case .datetime: bit = ColumnAccumulator.kindDate
        case .text, .missing: bit = 0
        }
        let before = h.pointee.seen
        let now = before | bit
        if bit == 0 || (now != before && ColumnAccumulator.families(now) > 1) {
            if h.pointee.nonMissing > 0 {
                h.pointee.needsRescan = true
                h.pointee.values.free()
                return
            }
            // Only missing cells so far: switch to codes.
            startCodes(missingBefore: h.pointee.values.count)
            h.pointee.codes.append(dictionary!.code(p, n))
            return
        }
        h.pointee.seen = now
        h.pointee.nonMissing += 1
        h.pointee.values.append(v)
    }
}

/// The loader's sink: one per reader lane; remembers where each segment's rows start.
final class DataTableLane: RecordSink, @unchecked Sendable {
    let columns: [LoaderColumn]
    let columnIndex: [Int]
    let matcher: MissingValueMatcher
    var segments: [(id: Int, start: Int)] = []
    var rows = 0

    /// Loads all `count` columns, or only `only` (as text) when given.
    init(count: Int, only: [Int]?, matcher: MissingValueMatcher) {
        if let only {
            columnIndex = only
            columns = only.map { _ in LoaderColumn(textOnly: true) }
        } else {
            columnIndex = Array(0..<count)
            columns = (0..<count).map { _ in LoaderColumn() }
        }
        self.matcher = matcher
    }

    func beginSegment(_ id: Int) { segments.append((id, rows)) }

    func consume(_ record: TableRecord) {
        rows += 1
        let m = matcher
        for (k, c) in columnIndex.enumerated() {
            columns[k].add(record.base + record.starts[c], record.lens[c], m)
        }
    }
}

/// Builds `DataTable`s from files with the parallel reader.
enum DataTableLoader {
    struct Piece { var lane: Int; var start: Int; var end: Int }

    static func load(path: String, options: TableReadOptions, categoricalMaxDistinct: Int,
                     categoricalMaxRatio: Double) throws -> DataTable {
        let matcher = MissingValueMatcher(tokens: options.naTokens)
        let threads = TableReader.laneCount(options, path: path)
        var lanes: [DataTableLane] = []
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        var reserved = false
        let result = try TableReader.read(path: path, options: options, makeSinks: { header in
            lanes = (0..<threads).map { _ in DataTableLane(count: header.count, only: nil, matcher: matcher) }
            return lanes
        }, onChunk: { bytesDone in
            // After the first chunk, size the columns for the whole file (avoids doubling overshoot).
            guard !reserved, let size = fileSize, bytesDone > 0 else { return }
            reserved = true
            let rows = lanes.reduce(0) { $0 + $1.rows }
            let perLane = Int(Double(rows) * Double(size) / Double(bytesDone) * 1.05) / lanes.count + 4096
            for lane in lanes { for col in lane.columns { col.reserve(perLane) } }
        })
        let names = result.header
        let pieces = order(lanes)
        let rowCount = pieces.reduce(0) { $0 + $1.end - $1.start }

        var types = [ColumnType](repeating: .float, count: names.count)
        var columns = [DataTable.Column?](repeating: nil, count: names.count)
        var rescan: [Int] = []
        for c in 0..<names.count {
            let parts = lanes.map { $0.columns[c] }
            let seen = parts.reduce(UInt8(0)) { $0 | $1.seen }
            let anyText = parts.contains { $0.isText }
            let mustRescan = parts.contains { $0.needsRescan }
                || ColumnAccumulator.families(seen) > 1
                || (anyText && parts.contains { !$0.isText && $0.nonMissing > 0 })
            if mustRescan { rescan.append(c); continue }
            if anyText {
                let (col, distinct, nonMissing) = assembleCodes(parts, pieces: pieces, lanes: lanes)
                columns[c] = col
                types[c] = distinct <= categoricalMaxDistinct && Double(distinct) <= categoricalMaxRatio * Double(nonMissing)
                    ? .categorical : .text
            } else {
                let all = [Double](unsafeUninitializedCapacity: rowCount) { out, initialized in
                    var k = 0
                    for p in pieces {
                        let src = parts[p.lane].values
                        (out.baseAddress! + k).initialize(from: src.baseAddress! + p.start, count: p.end - p.start)
                        k += p.end - p.start
                    }
                    initialized = k
                }
                for part in parts { part.releaseAll() }
                columns[c] = .numeric(all)
                if seen & ColumnAccumulator.kindBool != 0 { types[c] = .boolean }
                else if seen & ColumnAccumulator.kindDate != 0 { types[c] = .datetime }
                else if seen & ColumnAccumulator.kindFloat != 0 { types[c] = .float }
                else if seen & ColumnAccumulator.kindInteger != 0 { types[c] = .integer }
                else { types[c] = .float }
            }
        }
        if !rescan.isEmpty {
            var opts = options
            if options.lenient { opts.maxReportedBadRows = 0 }
            var textLanes: [DataTableLane] = []
            _ = try TableReader.read(path: path, options: opts, makeSinks: { _ in
                textLanes = (0..<threads).map { _ in DataTableLane(count: names.count, only: rescan, matcher: matcher) }
                return textLanes
            }, onChunk: nil)
            let textPieces = order(textLanes)
            for (k, c) in rescan.enumerated() {
                let (col, distinct, nonMissing) = assembleCodes(textLanes.map { $0.columns[k] }, pieces: textPieces, lanes: textLanes)
                columns[c] = col
                types[c] = distinct <= categoricalMaxDistinct && Double(distinct) <= categoricalMaxRatio * Double(nonMissing)
                    ? .categorical : .text
            }
        }
        return DataTable(names: names, types: types, columns: columns.map { $0! }, skipped: result.skipped)
    }

    /// The lanes' row ranges in file order.
    static func order(_ lanes: [DataTableLane]) -> [Piece] {
        var all: [(id: Int, piece: Piece)] = []
        for (l, lane) in lanes.enumerated() {
            for (i, s) in lane.segments.enumerated() {
                let end = i + 1 < lane.segments.count ? lane.segments[i + 1].start : lane.rows
                if end > s.start { all.append((s.id, Piece(lane: l, start: s.start, end: end))) }
            }
        }
        return all.sorted { $0.id < $1.id }.map(\.piece)
    }

    /// Concatenates coded pieces, giving categories in order of first appearance.
    static func assembleCodes(_ parts: [LoaderColumn], pieces: [Piece], lanes: [DataTableLane])
        -> (DataTable.Column, distinct: Int, nonMissing: Int) {
        var maps: [[Int32]] = parts.map { [Int32](repeating: -1, count: $0.dictionary?.storedDistinct ?? 0) }
        let global = ByteStringCounter(limit: Int.max, initialCapacity: 1024)
        var categories: [String] = []
        let total = pieces.reduce(0) { $0 + $1.end - $1.start }
        var nonMissing = 0
        let codes = [Int32](unsafeUninitializedCapacity: total) { out, initialized in
            var k = 0
            for p in pieces {
                let part = parts[p.lane]
                if !part.isText {
                    // A lane that saw only missing cells.
                    for _ in p.start..<p.end { out[k] = -1; k += 1 }
                    continue
                }
                let src = part.codes
                let dict = part.dictionary!
                maps[p.lane].withUnsafeMutableBufferPointer { map in
                    for r in p.start..<p.end {
                        let local = src[r]
                        if local < 0 { out[k] = -1; k += 1; continue }
                        nonMissing += 1
                        var g = map[Int(local)]
                        if g < 0 {
                            let key = dict.key(Int(local))
                            g = global.code(key.baseAddress ?? UnsafePointer(bitPattern: 1)!, key.count)
                            if Int(g) == categories.count { categories.append(dict.keyString(Int(local))) }
                            map[Int(local)] = g
                        }
                        out[k] = g
                        k += 1
                    }
                }
            }
            initialized = k
        }
        for part in parts { part.releaseAll() }
        return (.categorical(codes: codes, categories: categories), categories.count, nonMissing)
    }
}
