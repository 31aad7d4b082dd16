import DeckStore
import Foundation

/// How the shadow's answers travel from its thread to the prediction-log writer's, through the
/// scorer's outbox (a ``ByteMailbox``): batches the shadow's thread encoded for the log
/// (``EncodedShadowBatch``), copied as bytes, with the counts of rows it failed to score and of
/// rows it had to drop. Bytes, not objects: the writer must not free memory the shadow's thread
/// allocated (see ``BackgroundWorker``'s note on priorities).
///
/// A record: `UInt64` failed, `UInt64` dropped, `UInt32` batch count, then per batch its model,
/// `Int64` version, `UInt32` row count, its time and its blobs, the optional two (labels,
/// probabilities) each after a `UInt8` presence flag.
enum ShadowAnswersRecord {
    /// Writes `batches` and the counts.
    static func encode(_ batches: [EncodedShadowBatch], failed: Int, dropped: Int, into record: inout ByteRecordWriter) {
        record.put(UInt64(failed)); record.put(UInt64(dropped)); record.put(UInt32(batches.count))
        for b in batches {
            record.put(b.model); record.put(Int64(b.version)); record.put(UInt32(b.rowCount)); record.put(b.time)
            for blob in [b.ids, b.primaryVersions, b.times, b.scores] { put(blob, into: &record) }
            for blob in [b.labels, b.probabilities] {
                record.put(UInt8(blob == nil ? 0 : 1))
                if let blob { put(blob, into: &record) }
            }
            put(b.latencies, into: &record)
        }
    }

    /// Bytes ``encode(_:failed:dropped:into:)`` writes for `batches`.
    static func size(of batches: [EncodedShadowBatch]) -> Int {
        var measure = ByteRecordWriter(base: nil, capacity: .max)
        encode(batches, failed: 0, dropped: 0, into: &measure)
        return measure.count
    }

    /// A record ``encode(_:failed:dropped:into:)`` wrote; nil past its end (never expected).
    static func decode(_ record: inout ByteRecordReader) -> (batches: [EncodedShadowBatch], failed: Int, dropped: Int)? {
        guard let failed = record.integer(UInt64.self), let dropped = record.integer(UInt64.self),
              let count = record.integer(UInt32.self) else { return nil }
        var batches: [EncodedShadowBatch] = []
        for _ in 0..<count {
            guard let model = record.string(), let version = record.integer(Int64.self), let rows = record.integer(UInt32.self),
                  let time = record.double(), let ids = data(&record), let primary = data(&record), let times = data(&record),
                  let scores = data(&record) else { return nil }
            var optional: [Data?] = []
            for _ in 0..<2 {
                guard let present = record.integer(UInt8.self) else { return nil }
                if present == 0 { optional.append(nil); continue }
                guard let blob = data(&record) else { return nil }
                optional.append(blob)
            }
            guard let latencies = data(&record) else { return nil }
            batches.append(EncodedShadowBatch(model: model, version: Int(version), rowCount: Int(rows), time: time, ids: ids,
                                              primaryVersions: primary, times: times, scores: scores, labels: optional[0],
                                              probabilities: optional[1], latencies: latencies))
        }
        return (batches, Int(failed), Int(dropped))
    }

    /// The batches of `rows` cut so that each record of one batch holds at most `limit` bytes: a
    /// batch over it is split in halves until it fits; a single row over it is left out and
    /// counted in `unfit` (the caller counts it as dropped).
    static func batches(_ rows: [ShadowPrediction], limit: Int) -> (batches: [EncodedShadowBatch], unfit: Int) {
        var out: [EncodedShadowBatch] = [], unfit = 0
        func add(_ slice: ArraySlice<ShadowPrediction>) {
            let batch = EncodedShadowBatch(slice)
            if size(of: [batch]) <= limit { out.append(batch); return }
            guard slice.count > 1 else { unfit += 1; return }
            let middle = slice.startIndex + slice.count / 2
            add(slice[..<middle]); add(slice[middle...])
        }
        for run in EncodedShadowBatch.versionRuns(rows) { add(rows[run]) }
        return (out, unfit)
    }

    private static func put(_ blob: Data, into record: inout ByteRecordWriter) {
        blob.withUnsafeBytes { record.put(bytes: $0) }
    }

    private static func data(_ record: inout ByteRecordReader) -> Data? {
        record.bytes().map { Data($0) }
    }
}
