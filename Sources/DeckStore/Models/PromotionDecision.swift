import Foundation
import GRDB

/// Whether a candidate version should replace the version an alias points at, judged by one
/// metric in its direction (``DeckStore/isLossLike(_:)``): `models promote --best-by` and a
/// pipeline's `deploy` after `select` both ask this before moving the alias, and both say why.
public struct PromotionDecision: Sendable, Equatable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Better than the current version, or there is none (or it has no value to compare).
        case promote
        /// The alias already points at the candidate.
        case alreadyThere = "already_there"
        /// Not better (equal counts as not better): the alias stays.
        case notBetter = "not_better"
    }

    public var model: String
    public var alias: String
    public var metric: String
    public var higherIsBetter: Bool
    public var candidate: Int
    public var candidateValue: Double?
    /// The version the alias points at now (nil when it points nowhere).
    public var current: Int?
    public var currentValue: Double?
    public var verdict: Verdict

    enum CodingKeys: String, CodingKey {
        case model, alias, metric, higherIsBetter = "higher_is_better", candidate, candidateValue = "candidate_value"
        case current, currentValue = "current_value", verdict, message
    }

    public init(model: String, alias: String, metric: String, higherIsBetter: Bool, candidate: Int, candidateValue: Double?,
                current: Int?, currentValue: Double?) {
        self.model = model; self.alias = alias; self.metric = metric; self.higherIsBetter = higherIsBetter
        self.candidate = candidate; self.candidateValue = candidateValue; self.current = current; self.currentValue = currentValue
        if current == candidate {
            verdict = .alreadyThere
        } else if let c = candidateValue, let p = currentValue, !c.isNaN, !p.isNaN {
            verdict = (higherIsBetter ? c > p : c < p) ? .promote : .notBetter
        } else {
            verdict = .promote
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(model: try c.decode(String.self, forKey: .model), alias: try c.decode(String.self, forKey: .alias),
                  metric: try c.decode(String.self, forKey: .metric), higherIsBetter: try c.decode(Bool.self, forKey: .higherIsBetter),
                  candidate: try c.decode(Int.self, forKey: .candidate), candidateValue: try c.decodeIfPresent(Double.self, forKey: .candidateValue),
                  current: try c.decodeIfPresent(Int.self, forKey: .current), currentValue: try c.decodeIfPresent(Double.self, forKey: .currentValue))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model); try c.encode(alias, forKey: .alias); try c.encode(metric, forKey: .metric)
        try c.encode(higherIsBetter, forKey: .higherIsBetter); try c.encode(candidate, forKey: .candidate)
        try c.encode(candidateValue.flatMap { $0.isFinite ? $0 : nil }, forKey: .candidateValue)
        try c.encode(current, forKey: .current)
        try c.encode(currentValue.flatMap { $0.isFinite ? $0 : nil }, forKey: .currentValue)
        try c.encode(verdict, forKey: .verdict); try c.encode(message, forKey: .message)
    }

    /// One sentence with both numbers, e.g. "v3 auc 0.8412 is not better than production v2 auc
    /// 0.8530; production stays at v2".
    public var message: String {
        let (a, b) = Self.format(candidateValue, currentValue)
        let mine = "v\(candidate) \(metric) \(a)"
        let direction = higherIsBetter ? "" : " (lower is better)"
        switch verdict {
        case .alreadyThere:
            return "\(alias) already points at v\(candidate) (\(metric) \(a))"
        case .notBetter:
            return "\(mine) is not better than \(alias) v\(current ?? 0) \(metric) \(b)\(direction); \(alias) stays at v\(current ?? 0)"
        case .promote:
            guard let current else { return "\(mine) becomes \(alias) (\(alias) pointed at no version)" }
            guard currentValue.map({ !$0.isNaN }) ?? false, candidateValue.map({ !$0.isNaN }) ?? false else {
                return "\(mine) replaces \(alias) v\(current), which has no \(metric) to compare with"
            }
            return "\(mine) is better than \(alias) v\(current) \(metric) \(b)\(direction); \(alias) moves to v\(candidate)"
        }
    }

    /// Two numbers with enough digits to tell them apart (4 decimals, more when they agree to 4).
    static func format(_ a: Double?, _ b: Double?) -> (String, String) {
        func f(_ v: Double?, _ digits: Int) -> String {
            guard let v else { return "(none)" }
            guard v.isFinite else { return "\(v)" }
            return abs(v) >= 1e6 ? String(format: "%.\(digits + 2)g", v) : String(format: "%.\(digits)f", v)
        }
        var digits = 4
        while digits < 12, let a, let b, a != b, f(a, digits) == f(b, digits) { digits += 2 }
        return (f(a, digits), f(b, digits))
    }
}

extension DeckStore {
    /// Points `alias` of `model` at `version` only when that version is better by `metric` than
    /// the one the alias points at (or `force`), judging and moving in one `BEGIN IMMEDIATE`
    /// transaction so that no other process moves the alias in between. Returns the decision and
    /// the recorded move (nil when nothing moved). `reason` makes the alias history's reason from
    /// the decision.
    public func promoteIfBetter(model: String, version: Int, alias: String = DeckStore.servingAlias, metric: String,
                                higherIsBetter: Bool? = nil, force: Bool = false, author: String = DeckStore.defaultAuthor,
                                runID: String? = nil, reason: (PromotionDecision) -> String?) throws -> (decision: PromotionDecision, move: AliasHistoryEntry?) {
        let alias = Self.aliasKey(alias)
        try Self.validateModelName(alias)
        let now = Date().timeIntervalSince1970
        return try writeImmediate { db in
            let row = try versionRowID(model: model, version: version, in: db)
            guard let candidate = try Row.fetchOne(db, sql: "SELECT model_id, metrics FROM model_versions WHERE id = ?", arguments: [row]) else {
                throw ModelRegistryError.unknownVersion(model: model, version: version, latest: nil)
            }
            let modelID: Int64 = candidate[0]
            let current = try Row.fetchOne(db, sql: """
                SELECT v.version, v.metrics FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = ? AND a.alias = ?
                """, arguments: [modelID, alias])
            let candidateMetrics: [String: Double] = RegistryJSON.decode(candidate[1]) ?? [:]
            let currentMetrics: [String: Double]? = current.flatMap { RegistryJSON.decode($0[1]) }
            let decision = PromotionDecision(model: model, alias: alias, metric: metric, higherIsBetter: higherIsBetter ?? !Self.isLossLike(metric),
                                             candidate: version, candidateValue: candidateMetrics[metric],
                                             current: current.map { $0[0] }, currentValue: currentMetrics?[metric])
            if decision.verdict == .alreadyThere || (decision.verdict == .notBetter && !force) { return (decision, nil) }
            let move = try moveAlias(modelID: modelID, model: model, alias: alias, toVersionRow: row, toVersion: version, author: author,
                                     reason: reason(decision), runID: runID, now: now, in: db)
            return (decision, move)
        }
    }
}

extension ModelStore {
    /// Judges `candidate` against the version `alias` of its model points at now, by `metric`.
    public func judgePromotion(of candidate: ModelVersionRecord, alias: String = DeckStore.servingAlias, metric: String,
                               higherIsBetter: Bool? = nil) throws -> PromotionDecision {
        let current = try modelVersion(model: candidate.model, alias: alias)
        return PromotionDecision(model: candidate.model, alias: DeckStore.aliasKey(alias), metric: metric,
                                 higherIsBetter: higherIsBetter ?? !DeckStore.isLossLike(metric), candidate: candidate.version,
                                 candidateValue: candidate.metrics[metric], current: current?.version, currentValue: current?.metrics[metric])
    }
}
