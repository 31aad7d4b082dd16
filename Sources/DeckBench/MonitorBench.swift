import DeckEngine
import DeckML
import DeckStore
import Foundation

/// `mldeck bench monitor`: the figures of the monitoring issue. A full drift report over 20 numeric
/// columns: the reference stored as a model version stores it (``ReferenceData``: sorted, binary, in
/// the object store) and read back inside the time, the current window already in memory (its sort
/// is timed); 1,000,000 vs 1,000,000 rows and 100,000 vs 100,000. Parsing the current window from
/// CSV is reported apart, and so is reading the stored reference. Evidently 0.7's DataDriftPreset on
/// the same kind of data (`scripts/bench/monitor_evidently.py`, see BENCHMARKS.md) is the reference
/// figure. Then the alert latency with `mldeck serve` and `mldeck agent` as processes of their own
/// (``MonitorAlertBench``; `MLDECK_BENCH_MONITOR_ROUNDS`, default 1, sets its rounds).
struct MonitorBench: BenchSuite {
    let name = "monitor"
    static let evidently = "Evidently 0.7.23 DataDriftPreset, same shape of data, measured once on this kind of machine (2 vCPU)"
    /// Seconds measured by hand with scripts/fixtures/requirements-drift-fixtures.txt (see BENCHMARKS.md).
    static let evidentlySeconds: [Int: Double] = [100_000: 6.4, 1_000_000: 92]

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var figures: [BenchFigure] = []
        for (rows, target) in [(100_000, 0.3), (1_000_000, 2.0)] {
            log("drift report, 20 numeric columns, \(rows) vs \(rows) rows…")
            for folder in ["/objects", "/tmp"] { try FileManager.default.createDirectory(atPath: directory + folder, withIntermediateDirectories: true) }
            let objects = ObjectStore(root: URL(fileURLWithPath: directory + "/objects"), temporary: URL(fileURLWithPath: directory + "/tmp"))
            let stored: ObjectID = try {
                let columns = (0..<20).map { k -> ReferenceData.Column in
                    ReferenceData.predictionsColumn(MonitorBenchData.column(rows: rows, seed: UInt64(k) + 1, shift: 0), name: "x\(k)")
                }
                return try objects.put(try ReferenceData(rows: rows, columns: columns).encoded())
            }()
            let current = (0..<20).map { k in MonitorBenchData.column(rows: rows, seed: UInt64(k) + 101, shift: k % 4 == 0 ? 0.3 : 0) }
            var seconds: [Double] = [], loads: [Double] = []
            var drifted = 0
            for _ in 0..<3 {
                seconds.append(BenchClock.time {
                    var reference: ReferenceData?
                    loads.append(BenchClock.time { reference = try? ReferenceData.decode(try objects.read(stored)) })
                    guard let reference else { return }
                    var results: [DriftResult] = []
                    for (k, column) in reference.columns.enumerated() {
                        let input = DriftColumnInput(name: column.name, kind: .numerical,
                                                     values: .numbers(reference: column.sortedValues, current: DriftInputBuilder.sortedFinite(current[k])),
                                                     referenceRows: rows, currentRows: rows)
                        if let r = try? DriftDetector.test(input) { results.append(r) }
                    }
                    drifted = DriftReport(columns: results, driftShare: 0.5, referenceRows: rows, currentRows: rows).driftedColumns
                })
            }
            guard drifted == 5 else { throw ServeBenchError("the bench's drift report found \(drifted) drifted columns, not the 5 shifted ones") }
            let label = rows == 1_000_000 ? "1m" : "100k"
            figures.append(BenchFigure(suite: name, name: "drift_report_20_numeric_\(label)_s", value: BenchClock.median(seconds), unit: "s",
                                       target: target, better: .lower, reference: Self.evidently, referenceValue: Self.evidentlySeconds[rows],
                                       note: "median of 3; stored sorted reference read and decoded inside the time, current radix-sorted inside the time; \(drifted) of 20 columns drifted (5 shifted)"))
            figures.append(BenchFigure(suite: name, name: "reference_read_\(label)_s", value: BenchClock.median(loads), unit: "s", target: nil,
                                       better: .lower, note: "median of 3: reading the stored reference object (hash verified) and decoding it, part of the report's time"))
            if rows == 1_000_000 {
                figures.append(BenchFigure(suite: name, name: "drift_report_1m_peak_mb", value: MonitorBenchData.peakResidentMB(), unit: "MB",
                                           target: 512, better: .lower,
                                           note: "process peak (VmHWM) including both 1,000,000 × 20 tables (320 MB of doubles)"))
            }
            log("parsing the current window from CSV (\(rows) rows × 20)…")
            let csv = directory + "/current-\(label).csv"
            try MonitorBenchData.writeCSV(current, to: csv)
            let parse = BenchClock.time { _ = try? DataTable.load(path: csv) }
            figures.append(BenchFigure(suite: name, name: "parse_current_csv_\(label)_s", value: parse, unit: "s", target: nil, better: .lower,
                                       note: "DataTable.load of the current side (20 float columns), apart from the report"))
            try? FileManager.default.removeItem(atPath: csv)
            try? FileManager.default.removeItem(atPath: directory + "/objects")
        }
        let rounds = ProcessInfo.processInfo.environment["MLDECK_BENCH_MONITOR_ROUNDS"].flatMap { Int($0) }.map { min(max($0, 1), 20) } ?? 1
        figures += try MonitorAlertBench.run(in: directory + "/alert", rounds: rounds, log: log)
        return figures
    }
}

/// Generated bench data: normal-ish values from a fixed generator.
enum MonitorBenchData {
    static func column(rows: Int, seed: UInt64, shift: Double) -> [Double] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        // Sum of 4 uniforms, rounded to 4 decimals (as read from a CSV): close to normal, with ties.
        return (0..<rows).map { _ in (((next() + next() + next() + next()) - 2 + shift) * 10_000).rounded() / 10_000 }
    }

    static func writeCSV(_ columns: [[Double]], to path: String) throws {
        var text = (0..<columns.count).map { "x\($0)" }.joined(separator: ",") + "\n"
        let rows = columns.first?.count ?? 0
        text.reserveCapacity(rows * columns.count * 8)
        for r in 0..<rows {
            for k in 0..<columns.count {
                if k > 0 { text += "," }
                text += "\(columns[k][r])"
            }
            text += "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The process's peak resident set (VmHWM), in MB.
    static func peakResidentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kb / 1024
        }
        return -1
    }
}
