import Foundation

/// Compares two versions of a table row by row.
///
/// Rows are matched by their key columns (the i-th occurrence of a key in the old file with the i-th
/// in the new one), or, without key columns, by their whole content (so a changed row shows as one
/// removed and one added). Cells are compared as text over the columns both files have: `1` and `1.0`
/// differ. Each row is reduced to 64-bit hashes of its key and of its cells during a parallel scan
/// (no strings are kept), and only the rows listed in the report are read again.
public enum TableDiff {
    /// What to compare and how much to list.
    public struct Options: Sendable {
        /// Columns that identify a row (must exist in both files); empty matches whole rows.
        public var keyColumns: [String]
        /// How many changed, added and removed rows are listed.
        public var maxListedRows: Int
        /// How to read both files.
        public var read: TableReadOptions

        public init(keyColumns: [String] = [], maxListedRows: Int = 20, read: TableReadOptions = TableReadOptions()) {
            self.keyColumns = keyColumns
            self.maxListedRows = maxListedRows
            self.read = read
        }
    }

    /// Compares the table at `oldPath` with the one at `newPath`. When both profiles are given, the
    /// report also lists retyped columns and statistic changes (`profileDiff`).
    public static func compare(oldPath: String, newPath: String, options: Options = Options(),
                               oldProfile: TableProfile? = nil, newProfile: TableProfile? = nil) throws -> TableDiffReport {
        let oldColumns = try TableReader.columns(path: oldPath, options: options.read)
        let newColumns = try TableReader.columns(path: newPath, options: options.read)
        let newIndex = Dictionary(newColumns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let oldIndex = Dictionary(oldColumns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for k in options.keyColumns {
            if oldIndex[k] == nil { throw TableParseError.unknownColumn(file: oldPath, column: k) }
            if newIndex[k] == nil { throw TableParseError.unknownColumn(file: newPath, column: k) }
        }
        let common = oldColumns.filter { newIndex[$0] != nil }
        let oldPrints = try fingerprints(path: oldPath, options: options.read,
                                         keys: options.keyColumns.map { oldIndex[$0]! }, cells: common.map { oldIndex[$0]! })
        let newPrints = try fingerprints(path: newPath, options: options.read,
                                         keys: options.keyColumns.map { newIndex[$0]! }, cells: common.map { newIndex[$0]! })
        let keyed = !options.keyColumns.isEmpty

        // Match rows.
        var dupOld = 0
        var queues = HashQueues(keyed ? oldPrints.keyHashes : oldPrints.rowHashes, duplicates: &dupOld)
        var matchedOld = [Bool](repeating: false, count: oldPrints.count)
        var added = 0, changed = 0, unchanged = 0
        var firstAdded: [Int] = [], firstChanged: [(old: Int, new: Int)] = []
        let limit = options.maxListedRows
        let newMatch = keyed ? newPrints.keyHashes : newPrints.rowHashes
        for j in 0..<newPrints.count {
            if let i = queues.pop(newMatch[j]) {
                matchedOld[i] = true
                if !keyed || oldPrints.rowHashes[i] == newPrints.rowHashes[j] {
                    unchanged += 1
                } else {
                    changed += 1
                    if firstChanged.count < limit { firstChanged.append((i, j)) }
                }
            } else {
                added += 1
                if firstAdded.count < limit { firstAdded.append(j) }
            }
        }
        var removed = 0
        var firstRemoved: [Int] = []
        for i in 0..<oldPrints.count where !matchedOld[i] {
            removed += 1
            if firstRemoved.count < limit { firstRemoved.append(i) }
        }
        var dupNew = 0
        if keyed { _ = HashQueues(newPrints.keyHashes, duplicates: &dupNew) }

        // Read the listed rows again.
        let oldFetch = try RecordFetcher(path: oldPath, options: options.read, columns: oldColumns)
        let newFetch = try RecordFetcher(path: newPath, options: options.read, columns: newColumns)
        let oldLines = try oldFetch.lines(of: (firstChanged.map(\.old) + firstRemoved).map { oldPrints.offsets[$0] })
        let newLines = try newFetch.lines(of: (firstChanged.map(\.new) + firstAdded).map { newPrints.offsets[$0] })
        func key(_ cells: [String], _ index: [String: Int]) -> [String] { options.keyColumns.map { cells[index[$0]!] } }
        var changedRows: [TableDiffReport.ChangedRow] = []
        for (i, j) in firstChanged {
            let o = try oldFetch.record(at: oldPrints.offsets[i])
            let n = try newFetch.record(at: newPrints.offsets[j])
            var cells: [TableDiffReport.CellChange] = []
            for c in common {
                let a = o[oldIndex[c]!], b = n[newIndex[c]!]
                if a != b { cells.append(.init(column: c, old: a.isEmpty ? nil : a, new: b.isEmpty ? nil : b)) }
            }
            changedRows.append(.init(key: key(n, newIndex), oldLine: oldLines[oldPrints.offsets[i]] ?? 0,
                                     newLine: newLines[newPrints.offsets[j]] ?? 0, cells: cells))
        }
        let addedRows = try firstAdded.map { j -> TableDiffReport.RowRef in
            let off = newPrints.offsets[j]
            return .init(key: keyed ? key(try newFetch.record(at: off), newIndex) : [], line: newLines[off] ?? 0)
        }
        let removedRows = try firstRemoved.map { i -> TableDiffReport.RowRef in
            let off = oldPrints.offsets[i]
            return .init(key: keyed ? key(try oldFetch.record(at: off), oldIndex) : [], line: oldLines[off] ?? 0)
        }

        var retyped: [TableDiffReport.TypeChange] = []
        var profileDiff: ProfileDiff?
        if let a = oldProfile, let b = newProfile {
            let d = ProfileDiff.compare(a, b)
            profileDiff = d
            retyped = d.retyped.map { .init(column: $0.name, old: $0.oldType, new: $0.newType) }
        }
        return TableDiffReport(
            old: .init(rows: oldPrints.count, columns: oldColumns), new: .init(rows: newPrints.count, columns: newColumns),
            keyColumns: options.keyColumns,
            columnsAdded: newColumns.filter { oldIndex[$0] == nil }, columnsRemoved: oldColumns.filter { newIndex[$0] == nil },
            columnsRetyped: retyped, rowsAdded: added, rowsRemoved: removed, rowsChanged: changed, rowsUnchanged: unchanged,
            duplicateKeysOld: keyed ? dupOld : 0, duplicateKeysNew: dupNew,
            changedRows: changedRows, addedRows: addedRows, removedRows: removedRows, profileDiff: profileDiff)
    }

    static func fingerprints(path: String, options: TableReadOptions, keys: [Int], cells: [Int]) throws -> RowFingerprints {
        var lanes: [RowFingerprintLane] = []
        let threads = TableReader.laneCount(options, path: path)
        _ = try TableReader.read(path: path, options: options, makeSinks: { _ in
            lanes = (0..<threads).map { _ in RowFingerprintLane(keyColumns: keys, hashColumns: cells) }
            return lanes
        }, onChunk: nil)
        return RowFingerprints(lanes: lanes)
    }
}
