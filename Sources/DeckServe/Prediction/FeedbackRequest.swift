import DeckEngine
import DeckStore
import Foundation

/// Reads `POST /feedback`: labels for earlier predictions, named by the server's prediction ids
/// or the caller's ids: `{"prediction_ids": […], "labels": […]}`, `{"ids": […], "labels": […]}`,
/// or `{"feedback": [{"prediction_id": …, "label": …}, {"id": …, "label": …}]}`.
public enum FeedbackRequest {
    public static func parse(_ body: [UInt8], model: String, now: Double = Date().timeIntervalSince1970) throws(HTTPAPIError) -> [FeedbackEntry] {
        let value: JSONValue
        do { value = try JSONParser.parse(body) } catch { throw HTTPAPIError.badRequest(error.description, code: "MALFORMED_REQUEST") }
        guard case .object = value else { throw HTTPAPIError.badRequest("the body must be a JSON object: {\"prediction_ids\": […], \"labels\": […]}") }
        if case .array(let items)? = value["feedback"] {
            var out: [FeedbackEntry] = []
            for (i, item) in items.enumerated() {
                guard case .object = item, let label = item["label"].flatMap(text) else {
                    throw HTTPAPIError.badRequest("feedback item \(i + 1) needs a \"label\" and a \"prediction_id\" or an \"id\"")
                }
                let predictionID = item["prediction_id"].flatMap(text), callerID = item["id"].flatMap(text)
                guard predictionID != nil || callerID != nil else {
                    throw HTTPAPIError.badRequest("feedback item \(i + 1) needs a \"prediction_id\" or an \"id\"")
                }
                out.append(FeedbackEntry(model: model, predictionID: predictionID, callerID: callerID, label: label, time: now))
            }
            return out
        }
        guard case .array(let labels)? = value["labels"] else {
            throw HTTPAPIError.badRequest("the body needs \"labels\" (an array) beside \"prediction_ids\" or \"ids\", or \"feedback\": [{…}]")
        }
        let byPrediction: Bool
        let keys: [JSONValue]
        if case .array(let a)? = value["prediction_ids"] { byPrediction = true; keys = a }
        else if case .array(let a)? = value["ids"] { byPrediction = false; keys = a }
        else { throw HTTPAPIError.badRequest("the body needs \"prediction_ids\" (from a prediction's answer) or \"ids\" (your id column's values)") }
        guard keys.count == labels.count else {
            throw HTTPAPIError.badRequest("\(keys.count) ids but \(labels.count) labels: give one label per id")
        }
        var out: [FeedbackEntry] = []
        for (i, (key, label)) in zip(keys, labels).enumerated() {
            guard let k = text(key), let l = text(label) else {
                throw HTTPAPIError.badRequest("item \(i + 1): ids and labels must be strings or numbers")
            }
            out.append(FeedbackEntry(model: model, predictionID: byPrediction ? k : nil, callerID: byPrediction ? nil : k, label: l, time: now))
        }
        return out
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): return s
        case .number(let v): return v.isFinite ? LabelText.number(v) : nil
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
