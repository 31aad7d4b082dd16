import DeckML
import Foundation

/// `mldeck bench monitor`: the figures of the monitoring issue for drift. A full drift report over
/// 20 numeric columns, the reference already sorted (as the stored reference will be) and the current
/// window in memory (its sort is timed); 1,000,000 vs 1,000,000 rows and 100,000 vs 100,000. Parsing
/// the current window from CSV is reported apart. Evidently 0.7's DataDriftPreset on the same kind of
/// data (measured by hand on this kind of machine, see BENCHMARKS.md) is the reference figure.
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
            let reference = (0..<20).map { k -> [Double] in
                var values = MonitorBenchData.column(rows: rows, seed: UInt64(k) + 1, shift: 0)
                values.sort()
                return values
            }
            let current = (0..<20).map { k in MonitorBenchData.column(rows: rows, seed: UInt64(k) + 101, shift: k % 4 == 0 ? 0.3 : 0) }
            var seconds: [Double] = []
            var drifted = 0
            for _ in 0..<3 {
                seconds.append(BenchClock.time {
                    var results: [DriftResult] = []
                    for k in 0..<20 {
                        let input = DriftColumnInput(name: "x\(k)", kind: .numerical,
                                                     values: .numbers(reference: reference[k], current: DriftInputBuilder.sortedFinite(current[k])),
                                                     referenceRows: rows, currentRows: rows)
                        if let r = try? DriftDetector.test(input) { results.append(r) }
                    }
                    drifted = DriftReport(columns: results, driftShare: 0.5, referenceRows: rows, currentRows: rows).driftedColumns
                })
            }
            let label = rows == 1_000_000 ? "1m" : "100k"
            figures.append(BenchFigure(suite: name, name: "drift_report_20_numeric_\(label)_s", value: BenchClock.median(seconds), unit: "s",
                                       target: target, better: .lower, reference: Self.evidently, referenceValue: Self.evidentlySeconds[rows],
                                       note: "median of 3; reference pre-sorted, current radix-sorted inside the time; \(drifted) of 20 columns drifted (5 shifted)"))
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
        }
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
