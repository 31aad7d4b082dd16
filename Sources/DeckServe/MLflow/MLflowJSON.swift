import DeckStore
import Foundation

/// Writing MLflow's entities as its server does (protobuf's JSON form): int64 fields as numbers
/// of epoch milliseconds, doubles that are NaN or infinite as the strings `NaN`, `Infinity`,
/// `-Infinity`.
enum MLflowJSON {
    /// Epoch seconds as epoch milliseconds.
    static func millis(_ seconds: Double) -> Int64 {
        let ms = (seconds * 1000).rounded()
        guard ms.isFinite, abs(ms) < 9.2e18 else { return 0 }
        return Int64(ms)
    }

    /// A double as protobuf's JSON writes it.
    static func double(_ v: Double) -> String {
        if v.isNaN { return "\"NaN\"" }
        if v.isInfinite { return v > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return "\(v)"
    }

    /// `{"key": …, "value": …}` pairs, sorted by key.
    static func keyValues(_ pairs: [String: String], into json: inout JSONText) {
        json.raw("[")
        for (i, (k, v)) in pairs.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{\"key\":"); json.string(k); json.raw(",\"value\":"); json.string(v); json.raw("}")
        }
        json.raw("]")
    }

    /// One metric point.
    static func metric(key: String, value: Double, timestamp: Int64, step: Int64, into json: inout JSONText) {
        json.raw("{"); json.key("key"); json.string(key)
        json.raw(","); json.key("value"); json.raw(double(value))
        json.raw(","); json.key("timestamp"); json.raw(String(timestamp))
        json.raw(","); json.key("step"); json.raw(String(step)); json.raw("}")
    }

    /// MLflow's run status for an MLDeck status (QUEUED → SCHEDULED).
    static func status(_ s: RunStatus) -> String {
        switch s {
        case .queued: return "SCHEDULED"
        default: return s.rawValue
        }
    }

    /// A run: `{"info": …, "data": {"metrics", "params", "tags"}, "inputs": {}}`.
    static func run(_ record: RunRecord, experimentID: String, params: [String: String], tags: [String: String],
                    metrics: [(key: String, value: Double, timestamp: Int64, step: Int64)], into json: inout JSONText) {
        var tags = tags
        tags["mlflow.runName"] = record.name
        if let parent = record.lineage.parentRunID { tags["mlflow.parentRunId"] = parent }
        json.raw("{"); json.key("info"); json.raw("{")
        json.key("run_id"); json.string(record.id)
        json.raw(","); json.key("run_uuid"); json.string(record.id)
        json.raw(","); json.key("run_name"); json.string(record.name)
        json.raw(","); json.key("experiment_id"); json.string(experimentID)
        json.raw(","); json.key("user_id"); json.string(tags["mlflow.user"] ?? "")
        json.raw(","); json.key("status"); json.string(status(record.status))
        json.raw(","); json.key("start_time"); json.raw(String(millis(record.startTime)))
        if let end = record.endTime { json.raw(","); json.key("end_time"); json.raw(String(millis(end))) }
        json.raw(","); json.key("artifact_uri"); json.string("mlflow-artifacts:/\(experimentID)/\(record.id)/artifacts")
        json.raw(","); json.key("lifecycle_stage"); json.string(record.deleted ? "deleted" : "active")
        json.raw("}")
        json.raw(","); json.key("data"); json.raw("{"); json.key("metrics"); json.raw("[")
        for (i, m) in metrics.enumerated() {
            if i > 0 { json.raw(",") }
            metric(key: m.key, value: m.value, timestamp: m.timestamp, step: m.step, into: &json)
        }
        json.raw("]"); json.raw(","); json.key("params"); keyValues(params, into: &json)
        json.raw(","); json.key("tags"); keyValues(tags, into: &json)
        json.raw("}"); json.raw(","); json.key("inputs"); json.raw("{}"); json.raw("}")
    }

    /// An experiment.
    static func experiment(id: String, name: String, createdAt: Double, deleted: Bool, tags: [String: String], into json: inout JSONText) {
        let ms = millis(createdAt)
        json.raw("{"); json.key("experiment_id"); json.string(id)
        json.raw(","); json.key("name"); json.string(name)
        json.raw(","); json.key("artifact_location"); json.string("mlflow-artifacts:/\(id)")
        json.raw(","); json.key("lifecycle_stage"); json.string(deleted ? "deleted" : "active")
        json.raw(","); json.key("last_update_time"); json.raw(String(ms))
        json.raw(","); json.key("creation_time"); json.raw(String(ms))
        json.raw(","); json.key("tags"); keyValues(tags, into: &json)
        json.raw("}")
    }

    /// An opaque page token for an offset (base64 of `{"offset": n}`).
    static func pageToken(offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }

    /// The offset a page token stands for.
    static func offset(fromToken token: String?) throws(MLflowError) -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token),
              case .some(.number(let n)) = (try? JSONParser.parse(Array(data)))?["offset"],
              n >= 0, n == n.rounded(), n < 1e12 else {
            throw .invalid("Invalid page token '\(token.prefix(60))': pass the next_page_token of the previous answer")
        }
        return Int(n)
    }
}
