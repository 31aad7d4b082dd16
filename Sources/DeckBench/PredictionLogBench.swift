import DeckStore
import Foundation

/// `mldeck bench prediction-log`: how many answered rows a second the prediction log's writer
/// (``PredictionLog/write(_:feedback:)``, what `mldeck serve`'s log thread calls) takes, on its
/// own: 200 batches of 1,000 rows shaped like the churn model's requests (19 input columns, 4
/// of them numbers and 15 categories, a caller id per row, two classes, server-made prediction
/// ids consecutive within a batch), one transaction per batch, into a new log each round. The
/// batches are made before the clock starts; encoding them is inside the time. Under `mldeck
/// bench serve`'s 1,000-row load the endpoint answers about 87,000 rows a second: the writer
/// has to keep ahead of that (and leave the request threads their CPU).
struct PredictionLogBench: BenchSuite {
    let name = "prediction-log"
    static let batches = 200, rowsPerBatch = 1_000

    func run(in directory: String, log: (String) -> Void) throws -> [BenchFigure] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let batches = (0..<Self.batches).map { Self.batch($0) }
        var rates: [Double] = [], sizes: [Double] = []
        for round in 0..<3 {
            log("round \(round + 1) of 3: \(Self.batches) batches of \(Self.rowsPerBatch) rows…")
            let path = directory + "/predictions-\(round).sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let predictionLog = try PredictionLog.open(path: path)
            let seconds = try BenchClock.time { for batch in batches { try predictionLog.write([batch]) } }
            rates.append(Double(Self.batches * Self.rowsPerBatch) / seconds)
            let bytes = ["", "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: path + $0)[.size] as? Int }.reduce(0, +)
            sizes.append(Double(bytes) / Double(Self.batches * Self.rowsPerBatch))
        }
        return [
            BenchFigure(suite: name, name: "log_write_rows_per_s", value: BenchClock.median(rates), unit: "rows/s", target: 87_000, better: .higher,
                        note: "median of 3; \(Self.batches) batches of \(Self.rowsPerBatch) churn-shaped rows, one write (transaction) per batch"),
            BenchFigure(suite: name, name: "log_bytes_per_row", value: BenchClock.median(sizes), unit: "B", target: nil, better: .lower,
                        note: "database and WAL file sizes after the writes, per row"),
        ]
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
            return LoggedPrediction(id: "3f9a2c71-" + String(repeating: "0", count: 12 - counter.count) + counter, callerID: "C\(first + r)",
                                    label: p >= 0.5 ? "Yes" : "No", value: p, probabilities: [1 - p, p])
        }
        return PredictionBatch(model: "shop-churn", version: 1, time: 1_700_000_000 + Double(k), latencies: [Double](repeating: 0.004, count: n),
                               classes: ["No", "Yes"], columns: columns, rows: rows)
    }
}
