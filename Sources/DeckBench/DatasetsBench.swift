import DeckML
import DeckEngine
import DeckStore
import Foundation

/// `mldeck bench datasets`: the figures of the dataset registry issue, beside DVC measured on this
/// kind of machine (2 vCPU, ext4): `dvc add` of a 1 GiB file at 329 MB/s with an empty cache and
/// 403 MB/s re-hashing, 5.3 s for a folder of 10,000 small files.
///
/// Adds of generated data run through the `mldeck` binary itself (as a user runs them), so the
/// times include process start, and peak memory is the child's.
struct DatasetsBench: BenchSuite {
    let name = "datasets"
    static let dvc = "dvc add, same kind of machine (2 vCPU, ext4)"

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let exe = BenchClock.executablePath
        func workspace(_ name: String) throws -> DeckStore {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
            try? fm.removeItem(at: url)
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
            return try DeckStore.open(try Workspace.create(at: url))
        }
        func cli(_ store: DeckStore, _ arguments: [String]) throws -> (seconds: Double, peakBytes: Int64) {
            let result = try BenchClock.runProcess([exe] + arguments + ["--workspace", store.workspace.root.path])
            guard result.status == 0 else { throw BenchDataError.failed("mldeck " + arguments.joined(separator: " ")) }
            return (result.seconds, result.peakBytes)
        }

        // 1. A 1 GiB non-table file, from the page cache: empty store, then re-added (all chunks present).
        log("adding a 1 GiB file (random bytes, in the page cache)…")
        do {
            let store = try workspace("big-file")
            let path = directory + "/big.bin"
            try BenchData.writeRandomFile(path: path, bytes: 1 << 30, seed: 7)
            _ = try BenchData.readThrough(path)
            let first = try DatasetAdder.add(DatasetAddRequest(name: "big", path: path), to: store)
            let gb = Double(1 << 30) / 1e9
            figures.append(BenchFigure(suite: name, name: "add_1gib_ingest_gbps", value: gb / first.storeSeconds, unit: "GB/s",
                                       target: 1.0, better: .higher, reference: "\(Self.dvc), empty cache", referenceValue: 0.329,
                                       note: "read + chunk + SHA-256 + write every chunk into the store, up to the durability barrier"))
            figures.append(BenchFigure(suite: name, name: "add_1gib_durable_gbps", value: gb / first.totalSeconds, unit: "GB/s",
                                       target: nil, better: .higher, reference: "\(Self.dvc), empty cache (no fsync)", referenceValue: 0.329,
                                       note: "end to end including the sync of 1 GiB of new objects (the pack's fdatasync): bound by the disk's write rate"))
            let again = try DatasetAdder.add(DatasetAddRequest(name: "big-again", path: path), to: store)
            figures.append(BenchFigure(suite: name, name: "readd_1gib_gbps", value: gb / again.totalSeconds, unit: "GB/s",
                                       target: 1.0, better: .higher, reference: "\(Self.dvc), re-hashing", referenceValue: 0.403,
                                       note: "same content under a new name: chunk + hash, nothing new to write"))
            try? fm.removeItem(atPath: path)
            try? fm.removeItem(at: store.workspace.root)
        }

        // 2. A 1,000,000-row × 20-column CSV: add and profile, through the CLI.
        log("adding and profiling a 1,000,000-row × 20-column CSV…")
        let csv = directory + "/rows-1m.csv"
        let csvBytes = try BenchData.writeTable(path: csv, rows: 1_000_000, seed: 11)
        _ = try BenchData.readThrough(csv)
        do {
            let store = try workspace("csv")
            let run = try cli(store, ["datasets", "add", "rows", csv, "--quiet"])
            figures.append(BenchFigure(suite: name, name: "add_csv_1m_rows_s", value: run.seconds, unit: "s", target: 3, better: .lower,
                                       note: "\(csvBytes / 1_000_000) MB: chunk, hash, store, profile (exact), sync, record; whole process"))
            figures.append(BenchFigure(suite: name, name: "add_csv_1m_rows_peak_mb", value: Double(run.peakBytes) / 1_048_576, unit: "MB",
                                       target: 256, better: .lower))

            // 5. diff of two 1,000,000-row versions with a key column.
            log("diffing two 1,000,000-row versions by key…")
            let edited = directory + "/rows-1m-v2.csv"
            try BenchData.editTable(to: edited, rows: 1_000_000, seed: 11)
            _ = try cli(store, ["datasets", "add", "rows", edited, "--key", "id", "--quiet"])
            let cold = try cli(store, ["datasets", "diff", "rows@1", "rows@2", "--key", "id", "--json"])
            let warm = try cli(store, ["datasets", "diff", "rows@1", "rows@2", "--key", "id", "--json"])
            figures.append(BenchFigure(suite: name, name: "diff_1m_rows_key_s", value: cold.seconds, unit: "s", target: 3, better: .lower,
                                       note: "first diff: both versions materialized from chunks (verified), then compared; whole process"))
            figures.append(BenchFigure(suite: name, name: "diff_1m_rows_key_warm_s", value: warm.seconds, unit: "s", target: 3, better: .lower,
                                       note: "again, materialized files reused from .mldeck/cache"))
            try? fm.removeItem(atPath: edited)
            try? fm.removeItem(at: store.workspace.root)
        }
        try? fm.removeItem(atPath: csv)

        // 3. A folder of 10,000 small files.
        log("adding a folder of 10,000 small files…")
        do {
            let store = try workspace("folder")
            let folder = directory + "/small-files"
            try BenchData.writeSmallFiles(folder: folder, count: 10_000, seed: 17)
            let run = try cli(store, ["datasets", "add", "files", folder, "--quiet"])
            figures.append(BenchFigure(suite: name, name: "add_dir_10k_files_s", value: run.seconds, unit: "s", target: 1, better: .lower,
                                       reference: "\(Self.dvc), 10,000 small files", referenceValue: 5.3, note: "whole process, objects synced"))
            try? fm.removeItem(atPath: folder)
            try? fm.removeItem(at: store.workspace.root)
        }

        // 4. Append 1 % more rows to a 100 MB CSV.
        log("appending 1% more rows to a 100 MB CSV…")
        do {
            let store = try workspace("append")
            let base = directory + "/rows-100mb.csv"
            let rows = 500_000
            _ = try BenchData.writeTable(path: base, rows: rows, seed: 19)
            _ = try DatasetAdder.add(DatasetAddRequest(name: "growing", path: base), to: store)
            try BenchData.appendRows(to: base, from: rows, count: rows / 100, seed: 19)
            let second = try DatasetAdder.add(DatasetAddRequest(name: "growing", path: base), to: store)
            figures.append(BenchFigure(suite: name, name: "append_1pct_new_mb", value: Double(second.newBytes) / 1e6, unit: "MB",
                                       target: 3, better: .lower,
                                       note: "new objects stored for a version of \(second.version.logicalBytes / 1_000_000) MB with 1% more rows"))
            try? fm.removeItem(atPath: base)
            try? fm.removeItem(at: store.workspace.root)
        }
        return figures
    }
}

/// A benchmark step that failed.
enum BenchDataError: Error, CustomStringConvertible {
    case failed(String)
    var description: String {
        switch self { case .failed(let what): return "benchmark step failed: \(what)" }
    }
}

/// Generated data for the datasets suite (deterministic from a seed).
enum BenchData {
    /// `bytes` random bytes, synced to disk.
    static func writeRandomFile(path: String, bytes: Int, seed: UInt64) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var generator = SplitMix64(seed: seed)
        let block = 8 << 20
        var buffer = [UInt64](repeating: 0, count: block / 8)
        var written = 0
        while written < bytes {
            for i in buffer.indices { buffer[i] = generator.next() }
            let n = min(block, bytes - written)
            try buffer.withUnsafeBytes { try handle.write(contentsOf: Data($0.prefix(n))) }
            written += n
        }
        // On disk before any add is timed: otherwise the kernel writes this GiB back during the
        // adds (an add that synced the whole file system used to pay for it; one that syncs only
        // its own pack leaves it to the next measurement).
        try handle.synchronize()
    }

    /// Reads a file once (to have it in the page cache); returns its size.
    static func readThrough(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchDataError.failed("cannot read \(path)") }
        defer { try? handle.close() }
        var total = 0
        while let chunk = try handle.read(upToCount: 8 << 20), !chunk.isEmpty { total += chunk.count }
        return total
    }

    static let header = "id,i1,i2,i3,i4,i5,i6,f1,f2,f3,f4,f5,f6,c1,c2,c3,c4,t1,t2,flag\n"
    static let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"]

    /// Appends row `i` (id `i`, 20 columns, about 180 bytes) to `out`; `variant` changes one cell.
    static func appendRow(_ i: Int, seed: UInt64, variant: Bool = false, to out: inout [UInt8]) {
        var g = SplitMix64(seed: seed &+ UInt64(i) &* 0x9E37_79B9)
        func number(_ v: Int) { out.append(contentsOf: String(v).utf8) }
        number(i)
        for c in 0..<6 { out.append(44); number(Int(g.next() % (c == 5 ? 1_000_000 : 1000)) + (variant && c == 0 ? 7 : 0)) }
        for _ in 0..<6 {
            out.append(44)
            let v = g.next()
            number(Int(v % 100_000)); out.append(46)
            let frac = String(Int((v >> 20) % 1_000_000))
            out.append(contentsOf: repeatElement(48, count: 6 - frac.utf8.count)); out.append(contentsOf: frac.utf8)
        }
        for _ in 0..<4 { out.append(44); out.append(contentsOf: words[Int(g.next() % UInt64(words.count))].utf8) }
        for _ in 0..<2 {
            out.append(44)
            var v = g.next()
            for _ in 0..<12 { out.append(97 + UInt8(v % 26)); v /= 26 }
        }
        out.append(44); out.append(contentsOf: (g.next() & 1 == 0 ? "true" : "false").utf8)
        out.append(10)
    }

    /// Writes a table of `rows` rows; returns its size in bytes.
    @discardableResult
    static func writeTable(path: String, rows: Int, seed: UInt64) throws -> Int {
        try writeRows(path: path, append: false, header: true, ids: 0..<rows, seed: seed) { _ in (true, false) }
    }

    /// Writes a second version of the table made with `seed`: every 1,000th row changed, every 2,000th
    /// removed, 1 % new rows appended.
    static func editTable(to path: String, rows: Int, seed: UInt64) throws {
        _ = try writeRows(path: path, append: false, header: true, ids: 0..<(rows + rows / 100), seed: seed) { i in
            (i >= rows || i % 2000 != 3, i < rows && i % 1000 == 7)
        }
    }

    /// Appends rows `from ..< from + count` to the table made with `seed` at `path`.
    static func appendRows(to path: String, from: Int, count: Int, seed: UInt64) throws {
        _ = try writeRows(path: path, append: true, header: false, ids: from..<(from + count), seed: seed) { _ in (true, false) }
    }

    static func writeRows(path: String, append: Bool, header: Bool, ids: Range<Int>, seed: UInt64,
                          choose: (Int) -> (keep: Bool, variant: Bool)) throws -> Int {
        if !append || !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        _ = try handle.seekToEnd()
        var out: [UInt8] = []
        out.reserveCapacity(9 << 20)
        if header { out.append(contentsOf: Self.header.utf8) }
        var total = 0
        for i in ids {
            let (keep, variant) = choose(i)
            if keep { appendRow(i, seed: seed, variant: variant, to: &out) }
            if out.count >= 8 << 20 { try handle.write(contentsOf: Data(out)); total += out.count; out.removeAll(keepingCapacity: true) }
        }
        try handle.write(contentsOf: Data(out))
        return total + out.count
    }

    /// `count` files of 0.5–4 KiB in folders of 100.
    static func writeSmallFiles(folder: String, count: Int, seed: UInt64) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: folder)
        var g = SplitMix64(seed: seed)
        for i in 0..<count {
            let sub = folder + "/part-\(i / 100)"
            if i % 100 == 0 { try fm.createDirectory(atPath: sub, withIntermediateDirectories: true) }
            let size = 512 + Int(g.next() % 3584)
            var bytes = [UInt8](repeating: 0, count: size)
            for j in bytes.indices { bytes[j] = 32 + UInt8(g.next() % 90) }
            guard fm.createFile(atPath: sub + "/file-\(i).txt", contents: Data(bytes)) else { throw BenchDataError.failed("cannot write \(sub)") }
        }
    }
}
