import Foundation

/// The intercept (`base_score`) of a saved model, read from its bytes.
///
/// XGBoost 3.1 and later write `learner_model_param.base_score` as a vector in a string
/// (`"[5.2E-1]"`, one value per target or class). libxgboost 1.7, which MLDeck links, cannot parse
/// that form and silently scores with 0.5 instead — a different prediction for every model saved
/// by a current Python xgboost (MLflow's `model.ubj`). The booster restores the intercept from the
/// bytes after loading them (``XGBoostBooster/init(modelData:threads:)``).
public enum XGBoostIntercept {
    /// The intercept values when the model stores `base_score` in the vector form; nil when it
    /// stores a plain number (which libxgboost 1.7 reads itself) or no `base_score`.
    public static func vector(in model: Data) -> [String]? {
        guard let text = baseScoreText(in: model) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        let values = trimmed.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !values.isEmpty, values.allSatisfy({ Double($0) != nil }) else { return nil }
        return values
    }

    /// The string value of the first `base_score` key, in XGBoost JSON or UBJSON.
    static func baseScoreText(in model: Data) -> String? {
        let bytes = model.startIndex == 0 ? model : Data(model)  // zero-based indices below
        guard let key = bytes.range(of: Data("base_score".utf8)) else { return nil }
        var i = key.upperBound
        if i < bytes.count && bytes[i] == UInt8(ascii: "\"") {
            // JSON: "base_score": "…"
            i += 1
            while i < bytes.count && (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: ":")) { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let from = i + 1
            guard let end = bytes[from...].firstIndex(of: UInt8(ascii: "\"")), end - from < 4096 else { return nil }
            return String(decoding: bytes[from..<end], as: UTF8.self)
        }
        // UBJSON: the key is followed by the value `S`, a length (an integer with its type marker), the bytes.
        guard i + 2 < bytes.count, bytes[i] == UInt8(ascii: "S") else { return nil }
        i += 1
        let width: Int
        switch bytes[i] {
        case UInt8(ascii: "i"), UInt8(ascii: "U"): width = 1
        case UInt8(ascii: "I"): width = 2
        case UInt8(ascii: "l"): width = 4
        case UInt8(ascii: "L"): width = 8  // what XGBoost writes
        default: return nil
        }
        guard i + width < bytes.count else { return nil }
        var length = 0
        for k in 1...width { length = length << 8 | Int(bytes[i + k]) }  // big-endian
        let from = i + width + 1
        guard length >= 0, length < 4096, from + length <= bytes.count else { return nil }
        return String(decoding: bytes[from..<(from + length)], as: UTF8.self)
    }
}

extension XGBoostBooster {
    /// Gives the loaded booster the intercept its bytes store in XGBoost 3.1's vector form.
    /// - Throws: ``XGBoostError/unsupportedModel(_:)`` for different intercepts per class or
    ///   target, which libxgboost 1.7 cannot hold.
    func restoreVectorIntercept(from model: Data) throws(XGBoostError) {
        guard let values = XGBoostIntercept.vector(in: model) else { return }
        guard Set(values.compactMap(Double.init)).count == 1 else {
            throw .unsupportedModel("it was saved by XGBoost 3.1 or later with one intercept per class or target (base_score \(values.joined(separator: ", "))), which the linked libxgboost 1.7 cannot score; train it with a fixed base_score (e.g. base_score=0.5) to serve it here")
        }
        try setParameter("base_score", values[0])
    }
}
