import CXGBoost

/// An XGBoost `DMatrix` built from a `FeatureMatrix` (NaN = missing), owning its C handle.
///
/// Feature names are set on the DMatrix so that a model trained on it carries them in its JSON.
public final class XGBoostDMatrix: @unchecked Sendable {
    /// The C handle; freed in `deinit`.
    let handle: DMatrixHandle
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The feature names given at creation (also stored inside the DMatrix).
    public let featureNameList: [String]

    /// Copies `matrix` into a new DMatrix and attaches `labels` when given.
    ///
    /// - Parameters:
    ///   - matrix: dense row-major features; NaN marks a missing value.
    ///   - labels: one label per row (class index for classification), or nil for prediction.
    ///   - threads: threads used to build the matrix (0 = all cores).
    public init(_ matrix: FeatureMatrix, labels: [Float]? = nil, threads: Int = 0) throws(XGBoostError) {
        if let labels, labels.count != matrix.rows {
            throw .invalidLabels("\(labels.count) labels for \(matrix.rows) rows")
        }
        var out: DMatrixHandle?
        let code = matrix.values.withUnsafeBufferPointer { cells in
            XGDMatrixCreateFromMat_omp(
                cells.baseAddress, bst_ulong(matrix.rows), bst_ulong(matrix.columns),
                Float.nan, &out, Int32(threads))
        }
        try xgbCheck(code, "XGDMatrixCreateFromMat")
        guard let out else { throw .library(function: "XGDMatrixCreateFromMat", message: "no handle returned") }
        handle = out
        rows = matrix.rows
        columns = matrix.columns
        featureNameList = matrix.featureNames
        if !matrix.featureNames.isEmpty {
            let nameCode = withCStringArray(matrix.featureNames) { names in
                var pointers = names
                return pointers.withUnsafeMutableBufferPointer { buffer in
                    XGDMatrixSetStrFeatureInfo(handle, "feature_name", buffer.baseAddress, bst_ulong(names.count))
                }
            }
            try xgbCheck(nameCode, "XGDMatrixSetStrFeatureInfo")
        }
        if let labels {
            try setLabels(labels)
        }
    }

    private init(handle: DMatrixHandle, rows: Int, columns: Int, featureNames: [String]) {
        self.handle = handle
        self.rows = rows
        self.columns = columns
        self.featureNameList = featureNames
    }

    /// A new DMatrix of the given rows (zero-based, in this order) with their labels and the
    /// same feature names.
    public func slice(rows indices: [Int32]) throws(XGBoostError) -> XGBoostDMatrix {
        var out: DMatrixHandle?
        let code = indices.withUnsafeBufferPointer { XGDMatrixSliceDMatrix(handle, $0.baseAddress, bst_ulong($0.count), &out) }
        try xgbCheck(code, "XGDMatrixSliceDMatrix")
        guard let out else { throw .library(function: "XGDMatrixSliceDMatrix", message: "no handle returned") }
        let sliced = XGBoostDMatrix(handle: out, rows: indices.count, columns: columns, featureNames: featureNameList)
        if !featureNameList.isEmpty {
            let nameCode = withCStringArray(featureNameList) { names in
                var pointers = names
                return pointers.withUnsafeMutableBufferPointer { buffer in
                    XGDMatrixSetStrFeatureInfo(out, "feature_name", buffer.baseAddress, bst_ulong(names.count))
                }
            }
            try xgbCheck(nameCode, "XGDMatrixSetStrFeatureInfo")
        }
        return sliced
    }

    /// Sets (or replaces) the labels, one per row.
    public func setLabels(_ labels: [Float]) throws(XGBoostError) {
        guard labels.count == rows else {
            throw .invalidLabels("\(labels.count) labels for \(rows) rows")
        }
        let code = labels.withUnsafeBufferPointer {
            XGDMatrixSetFloatInfo(handle, "label", $0.baseAddress, bst_ulong(labels.count))
        }
        try xgbCheck(code, "XGDMatrixSetFloatInfo(label)")
    }

    /// The feature names stored in the DMatrix (copied out of XGBoost's thread-local buffer).
    public func featureNames() throws(XGBoostError) -> [String] {
        var count: bst_ulong = 0
        var names: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        try xgbCheck(XGDMatrixGetStrFeatureInfo(handle, "feature_name", &count, &names), "XGDMatrixGetStrFeatureInfo")
        return (0..<Int(count)).map { names?[$0].map { String(cString: $0) } ?? "" }
    }

    deinit {
        XGDMatrixFree(handle)
    }
}
