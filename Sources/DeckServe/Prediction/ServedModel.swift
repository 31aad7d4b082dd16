import DeckEngine
import DeckStore
import Foundation

/// The model version a server answers with, ready to score. A class: every request takes it
/// from the ``ModelSlot`` (one reference, not a copy of its parts: a copy was ~2 % of a
/// single-row request's CPU in retains and releases).
public final class ServedModel: Sendable {
    public let scorer: ModelScorer
    public let builder: InputTableBuilder
    /// The alias the server follows (nil when it serves a fixed version).
    public let alias: String?
    /// When this version started answering here.
    public let since: Date

    public var version: ModelVersionRecord { scorer.model.version }

    public init(model: LoadedModel, alias: String?, strictColumns: Bool, since: Date = Date()) {
        scorer = ModelScorer(model: model)
        builder = InputTableBuilder(spec: model.spec, strictColumns: strictColumns)
        self.alias = alias
        self.since = since
    }

    /// Loads `version` for serving: one XGBoost thread per prediction (requests run side by
    /// side; one row on two threads costs ~5× more), and small batches scored by compiled trees
    /// when they reproduce XGBoost's answers (``XGBoostBooster/useCompiledTrees()``).
    public static func load(store: DeckStore, version: ModelVersionRecord, alias: String?, strictColumns: Bool) throws -> ServedModel {
        let model = try LoadedModel.load(store: store, version: version, threads: 1)
        model.booster.useCompiledTrees()
        return ServedModel(model: model, alias: alias, strictColumns: strictColumns)
    }
}

/// Holds the served model and swaps it atomically: a request takes the model once and keeps
/// it to the end (the old booster is freed only when the last request holding it finishes).
public final class ModelSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var model: ServedModel

    public init(_ model: ServedModel) { self.model = model }

    public var current: ServedModel { lock.lock(); defer { lock.unlock() }; return model }

    public func swap(_ new: ServedModel) { lock.lock(); model = new; lock.unlock() }
}

/// Makes prediction ids unique across servers and restarts: a random prefix per server and a
/// counter of 12 hex digits (`3f9a2c71-00000000001a`).
///
/// The counter is fixed-width lowercase hex so one server's ids sort in the order they are made
/// and the prediction log can split an id back into prefix and counter exactly: a request takes
/// one block of consecutive counters, which the log stores as one run (`PredictionIDRun`), one
/// entry of its id index for the request's rows instead of one per row. An id of another shape
/// still works, at one index entry per row.
public final class PredictionIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var next: UInt64 = 1
    private let prefix: String

    public init() {
        prefix = String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    /// `count` new ids.
    public func make(_ count: Int) -> [String] {
        lock.lock()
        let first = next
        next += UInt64(count)
        lock.unlock()
        return (0..<UInt64(count)).map { prefix + "-" + Self.counter(first + $0) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `n` as 12 lowercase hex digits (2^48 predictions per server start).
    static func counter(_ n: UInt64) -> String {
        String(unsafeUninitializedCapacity: 12) { out in
            for i in 0..<12 { out[i] = hexDigits[Int((n >> UInt64(44 - 4 * i)) & 0xF)] }
            return 12
        }
    }
}
