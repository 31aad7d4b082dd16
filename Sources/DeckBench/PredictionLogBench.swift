import DeckStore
import Foundation

/// `mldeck bench prediction-log`: how many answered rows a second the prediction log's writer
/// (``PredictionLog/write(_:feedback:)``, what `mldeck serve`'s log thread calls) takes, on its
/// own: 200 batches of 1,000 rows shaped like the churn model's requests (19 input columns, 4
/// of them numbers and 15 categories, a caller id per row drawn from 7,043 customers, two
/// classes, server-made prediction ids consecutive within a batch), one transaction per batch.
/// Into a new log (median of 3 rounds), and into a log already holding 1,000,000 rows (the
/// default retention: what a busy server's log holds). The batches are made before the clock
/// starts; encoding them is inside the time. Under `mldeck bench serve`'s 1,000-row load the
/// endpoint answers about 87,000 rows a second: the writer has to keep ahead of that while the
/// request threads share its 2 cores.
struct PredictionLogBench: BenchSuite {
    let name = "prediction-log"
    static let batches = 200, rowsPerBatch = 1_000, prefilled = 1_000_000

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let batches = (0..<Self.batches).map { Self.batch($0) }
        let rows = Double(Self.batches * Self.rowsPerBatch)
        var rates: [Double] = [], sizes: [Double] = []
        for round in 0..<3 {
            log("round \(round + 1) of 3: \(Self.batches) batches of \(Self.rowsPerBatch) rows into a new log…")
            let path = directory + "/predictions-\(round).sqlite"
            let predictionLog = try Self.newLog(path)
            rates.append(rows / (try BenchClock.time { for batch in batches { try predictionLog.write([batch]) } }))
            let bytes = ["", "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: path + $0)[.size] as? Int }.reduce(0, +)
            sizes.append(Double(bytes) / rows)
        }
        log("filling a log with \(Self.prefilled) rows…")
        let full = try Self.newLog(directory + "/predictions-full.sqlite")
        for k in 0..<(Self.prefilled / Self.rowsPerBatch) { try full.write([Self.batch(Self.batches + k)]) }
        log("\(Self.batches) batches of \(Self.rowsPerBatch) rows into it…")
        let later = (0..<Self.batches).map { Self.batch(Self.batches + Self.prefilled / Self.rowsPerBatch + $0) }
        let fullRate = rows / (try BenchClock.time { for batch in later { try full.write([batch]) } })
        return [
            BenchFigure(suite: name, name: "log_write_rows_per_s", value: BenchClock.median(rates), unit: "rows/s", target: 87_000, better: .higher,
                        note: "median of 3; \(Self.batches) batches of \(Self.rowsPerBatch) churn-shaped rows into a new log, one write (transaction) per batch"),
            BenchFigure(suite: name, name: "log_write_full_rows_per_s", value: fullRate, unit: "rows/s", target: 87_000, better: .higher,
                        note: "the same into a log already holding \(Self.prefilled) rows"),
            BenchFigure(suite: name, name: "log_bytes_per_row", value: BenchClock.median(sizes), unit: "B", target: nil, better: .lower,
                        note: "database and WAL file sizes after the writes into a new log, per row"),
        ]
    }

    static func newLog(_ path: String) throws -> PredictionLog {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return try PredictionLog.open(path: path)
    }

    static let categories: [[String]] = [
        ["Female", "Male"], ["Yes", "No"], ["Yes", "No"], ["Yes", "No"], ["Yes", "No", "No phone service"],
        ["DSL", "Fiber optic", "No"], ["Yes", "No", "No internet service"], ["Yes", "No", "No internet service"],
        ["Yes", "No", "No internet service"], ["Yes", "No", "No internet service"], ["Yes", "No", "No internet service"],
        ["Yes", "No", "No internet service"], ["Month-to-month", "One year", "Two year"], ["Yes", "No"],
        ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"],
    ]

    /// Batch `k`: rows `k * 1000 + 1 …` with deterministic churn-like values.
    static func batch(_ k: Int) -> PredictionBatch {
        let n = rowsPerBatch, first = k * n + 1
        var state = UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return state >> 33 }
        var columns: [LoggedColumn] = [
            LoggedColumn(name: "senior_citizen", values: .numbers((0..<n).map { _ in Double(next() % 2) })),
            LoggedColumn(name: "tenure", values: .numbers((0..<n).map { _ in Double(next() % 72) })),
            LoggedColumn(name: "monthly_charges", values: .numbers((0..<n).map { _ in 18.25 + Double(next() % 10_000) / 100 })),
            LoggedColumn(name: "total_charges", values: .numbers((0..<n).map { _ in next() % 50 == 0 ? .nan : Double(next() % 800_000) / 100 })),
        ]
        for (c, values) in categories.enumerated() {
            columns.append(LoggedColumn(name: "category_\(c)", values: .text((0..<n).map { _ in values[Int(next() % UInt64(values.count))] })))
        }
        let rows = (0..<n).map { r -> LoggedPrediction in
            let p = Double(next() % 1000) / 1000
            let counter = String(first + r, radix: 16)
            return LoggedPrediction(id: "3f9a2c71-" + String(repeating: "0", count: 12 - counter.count) + counter, callerID: "C\(1 + next() % 7_043)",
                                    label: p >= 0.5 ? "Yes" : "No", value: p, probabilities: [1 - p, p])
        }
        return PredictionBatch(model: "shop-churn", version: 1, time: 1_700_000_000 + Double(k), latencies: [Double](repeating: 0.004, count: n),
                               classes: ["No", "Yes"], columns: columns, rows: rows)
    }
}
