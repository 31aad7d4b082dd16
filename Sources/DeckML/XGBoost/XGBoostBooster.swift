import CXGBoost
import Foundation

/// An XGBoost booster (a model being trained, or a loaded one), owning its C handle.
///
/// XGBoost's prediction is thread-safe in 1.7, so a booster may be shared across tasks for
/// prediction; training calls and `setParameter` must not run concurrently with anything else.
public final class XGBoostBooster: @unchecked Sendable {
    /// The C handle; freed in `deinit`.
    let handle: BoosterHandle
    /// Whether in-place (DMatrix-free) prediction works for this booster (not for gblinear).
    let inplacePrediction = InplacePredictionSupport()
    /// Proxy DMatrix handles for in-place prediction (saves XGBoost making one per call).
    let proxies = XGBoostProxyPool()
    /// Trees compiled for small batches, once ``useCompiledTrees()`` has checked them.
    let compiledTrees = LockedBox<CompiledTrees?>(nil)

    private init(handle: BoosterHandle) {
        self.handle = handle
    }

    /// Creates an untrained booster that caches the given matrices (training and evaluation sets).
    public convenience init(caching matrices: [XGBoostDMatrix]) throws(XGBoostError) {
        var out: BoosterHandle?
        var handles: [DMatrixHandle?] = matrices.map { $0.handle }
        let code = handles.withUnsafeMutableBufferPointer { XGBoosterCreate($0.baseAddress, bst_ulong($0.count), &out) }
        try xgbCheck(code, "XGBoosterCreate")
        guard let out else { throw .library(function: "XGBoosterCreate", message: "no handle returned") }
        self.init(handle: out)
        withExtendedLifetime(matrices) {}
    }

    /// Loads a model saved by XGBoost (JSON, UBJSON or the legacy binary format) from bytes. The
    /// intercept of a model saved by XGBoost 3.1 or later is restored (``XGBoostIntercept``).
    ///
    /// - Parameter threads: prediction threads; give 1 for a booster that serves single rows.
    ///   nil leaves XGBoost's default (all cores).
    public convenience init(modelData: Data, threads: Int? = nil) throws(XGBoostError) {
        var out: BoosterHandle?
        try xgbCheck(XGBoosterCreate(nil, 0, &out), "XGBoosterCreate")
        guard let out else { throw .library(function: "XGBoosterCreate", message: "no handle returned") }
        self.init(handle: out)
        let code = modelData.withUnsafeBytes { XGBoosterLoadModelFromBuffer(out, $0.baseAddress, bst_ulong($0.count)) }
        try xgbCheck(code, "XGBoosterLoadModelFromBuffer")
        try restoreVectorIntercept(from: modelData)
        if let threads { try setParameter("nthread", "\(threads)") }
    }

    /// Loads a model file written by XGBoost (`.json` is read as JSON, `.ubj` as UBJSON).
    ///
    /// - Parameter threads: prediction threads; give 1 for a booster that serves single rows.
    public convenience init(contentsOf url: URL, threads: Int? = nil) throws(XGBoostError) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .modelFile(path: url.path, reason: "does not exist")
        }
        var out: BoosterHandle?
        try xgbCheck(XGBoosterCreate(nil, 0, &out), "XGBoosterCreate")
        guard let out else { throw .library(function: "XGBoosterCreate", message: "no handle returned") }
        self.init(handle: out)
        try xgbCheck(XGBoosterLoadModel(out, url.path), "XGBoosterLoadModel")
        if let data = try? Data(contentsOf: url) { try restoreVectorIntercept(from: data) }
        if let threads { try setParameter("nthread", "\(threads)") }
    }

    deinit {
        XGBoosterFree(handle)
    }

    // MARK: Parameters and training

    /// Sets one XGBoost parameter (e.g. `nthread` to `1` on a booster that serves single rows).
    public func setParameter(_ name: String, _ value: String) throws(XGBoostError) {
        let code = XGBoosterSetParam(handle, name, value)
        if code != 0 {
            let message = XGBGetLastError().map { String(cString: $0) } ?? "unknown error"
            throw .invalidParameter(name: name, value: value, reason: message)
        }
    }

    /// Runs one boosting round on `train`.
    public func updateOneIteration(_ iteration: Int, train: XGBoostDMatrix) throws(XGBoostError) {
        try xgbCheck(XGBoosterUpdateOneIter(handle, Int32(iteration), train.handle), "XGBoosterUpdateOneIter")
    }

    /// Evaluates the configured metrics on the named sets after round `iteration` and returns
    /// XGBoost's line, e.g. `[3]\ttrain-logloss:0.41\tvalidation-logloss:0.45`.
    public func evaluationLine(_ iteration: Int, sets: [(name: String, matrix: XGBoostDMatrix)]) throws(XGBoostError) -> String {
        var handles: [DMatrixHandle?] = sets.map { $0.matrix.handle }
        var result: UnsafePointer<CChar>?
        let code = withCStringArray(sets.map(\.name)) { names in
            var names = names
            return handles.withUnsafeMutableBufferPointer { dmats in
                names.withUnsafeMutableBufferPointer { evnames in
                    XGBoosterEvalOneIter(handle, Int32(iteration), dmats.baseAddress, evnames.baseAddress,
                                         bst_ulong(sets.count), &result)
                }
            }
        }
        try xgbCheck(code, "XGBoosterEvalOneIter")
        withExtendedLifetime(sets) {}
        return result.map { String(cString: $0) } ?? ""
    }

    /// Number of boosting rounds in the model.
    public func boostedRounds() throws(XGBoostError) -> Int {
        var rounds: Int32 = 0
        try xgbCheck(XGBoosterBoostedRounds(handle, &rounds), "XGBoosterBoostedRounds")
        return Int(rounds)
    }

    /// Number of features the model expects.
    public func featureCount() throws(XGBoostError) -> Int {
        var count: bst_ulong = 0
        try xgbCheck(XGBoosterGetNumFeature(handle, &count), "XGBoosterGetNumFeature")
        return Int(count)
    }

    /// Feature names stored in the model (empty when it was trained without names).
    public func featureNames() throws(XGBoostError) -> [String] {
        try stringFeatureInfo("feature_name")
    }

    /// Stores feature names in the model (written to its JSON and checked by Python at predict).
    /// XGBoosterCreate does not copy them from the cached DMatrix; Python's Booster sets them too.
    public func setFeatureNames(_ names: [String]) throws(XGBoostError) {
        let code = withCStringArray(names) { pointers in
            var pointers = pointers
            return pointers.withUnsafeMutableBufferPointer { buffer in
                XGBoosterSetStrFeatureInfo(handle, "feature_name", buffer.baseAddress, bst_ulong(names.count))
            }
        }
        try xgbCheck(code, "XGBoosterSetStrFeatureInfo")
    }

    /// A new booster holding only the trees of rounds `begin..<end` (e.g. `0..<bestIteration+1`).
    /// Not supported by `gblinear` (XGBoost reports an error).
    public func slice(rounds: Range<Int>) throws(XGBoostError) -> XGBoostBooster {
        var out: BoosterHandle?
        let code = XGBoosterSlice(handle, Int32(rounds.lowerBound), Int32(rounds.upperBound), 1, &out)
        if code == -2 {
            throw .invalidParameter(name: "slice", value: "\(rounds)", reason: "out of the model's rounds")
        }
        try xgbCheck(code, "XGBoosterSlice")
        guard let out else { throw .library(function: "XGBoosterSlice", message: "no handle returned") }
        return XGBoostBooster(handle: out)
    }

    // MARK: Saving

    /// The model as XGBoost JSON bytes (the format Python's `xgboost.Booster.load_model` reads).
    public func jsonData() throws(XGBoostError) -> Data {
        try modelData(format: "json")
    }

    /// The model in `format` (`json` or `ubj`), copied out of XGBoost's thread-local buffer.
    public func modelData(format: String) throws(XGBoostError) -> Data {
        var length: bst_ulong = 0
        var bytes: UnsafePointer<CChar>?
        try xgbCheck(XGBoosterSaveModelToBuffer(handle, "{\"format\": \"\(format)\"}", &length, &bytes),
                     "XGBoosterSaveModelToBuffer")
        guard let bytes else { return Data() }
        return Data(bytes: bytes, count: Int(length))
    }

    /// Writes the model as XGBoost JSON to `url` (atomically).
    public func save(to url: URL) throws(XGBoostError) {
        let data = try jsonData()
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .modelFile(path: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}

extension XGBoostBooster {
    /// The booster's full state (model and training configuration), copied out of XGBoost.
    public func serializedState() throws(XGBoostError) -> Data {
        var length: bst_ulong = 0
        var bytes: UnsafePointer<CChar>?
        try xgbCheck(XGBoosterSerializeToBuffer(handle, &length, &bytes), "XGBoosterSerializeToBuffer")
        guard let bytes else { return Data() }
        return Data(bytes: bytes, count: Int(length))
    }

    /// Restores a booster from `serializedState()`.
    public convenience init(serializedState: Data) throws(XGBoostError) {
        try self.init(caching: [])
        let code = serializedState.withUnsafeBytes {
            XGBoosterUnserializeFromBuffer(handle, $0.baseAddress, bst_ulong($0.count))
        }
        try xgbCheck(code, "XGBoosterUnserializeFromBuffer")
    }
}

/// A thread-safe flag remembering that a booster cannot predict in place.
final class InplacePredictionSupport: @unchecked Sendable {
    private let lock = NSLock()
    private var unsupported = false

    var isSupported: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !unsupported
    }

    func markUnsupported() {
        lock.lock()
        unsupported = true
        lock.unlock()
    }
}
