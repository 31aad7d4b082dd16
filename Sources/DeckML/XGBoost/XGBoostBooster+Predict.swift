import CXGBoost

extension XGBoostBooster {
    /// Predicts every row of `matrix` (normal, transformed output: probabilities for classifiers).
    ///
    /// - Parameter iterationEnd: use only rounds `0..<iterationEnd`; 0 uses all of them.
    public func predict(_ matrix: XGBoostDMatrix, iterationEnd: Int = 0) throws(XGBoostError) -> XGBoostPrediction {
        let config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": \(iterationEnd), \"strict_shape\": false}"
        var shape: UnsafePointer<bst_ulong>?
        var dimension: bst_ulong = 0
        var result: UnsafePointer<Float>?
        try xgbCheck(XGBoosterPredictFromDMatrix(handle, matrix.handle, config, &shape, &dimension, &result),
                     "XGBoosterPredictFromDMatrix")
        return try copyPrediction(shape: shape, dimension: dimension, result: result, rows: matrix.rows)
    }

    /// Predicts the rows of a dense matrix in place (no DMatrix is built; NaN = missing).
    ///
    /// This is the fast path for serving. For single rows, give the booster `nthread = 1`
    /// (`setParameter("nthread", "1")`): on two threads one row costs ~5× more.
    public func predict(_ matrix: FeatureMatrix, iterationEnd: Int = 0) throws(XGBoostError) -> XGBoostPrediction {
        try predictDense(matrix.values, rows: matrix.rows, columns: matrix.columns, iterationEnd: iterationEnd)
    }

    /// Predicts one row of features (NaN = missing).
    public func predict(row: [Float]) throws(XGBoostError) -> XGBoostPrediction {
        try predictDense(row, rows: 1, columns: row.count, iterationEnd: 0)
    }

    func predictDense(_ values: [Float], rows: Int, columns: Int, iterationEnd: Int, compiled: Bool = true) throws(XGBoostError) -> XGBoostPrediction {
        guard values.count == rows * columns else {
            throw .malformedMatrix("expected \(rows) × \(columns) values, got \(values.count)")
        }
        if rows == 0 {
            return XGBoostPrediction(rows: 0, outputsPerRow: 1, values: [])
        }
        if compiled, iterationEnd == 0, rows <= Self.compiledTreesMaxRows, let trees = compiledTrees.get(), columns == trees.featureCount {
            let scores = values.withUnsafeBufferPointer { trees.predict($0, rows: rows) }
            return XGBoostPrediction(rows: rows, outputsPerRow: trees.groups, values: scores)
        }
        if !inplacePrediction.isSupported {
            return try predictThroughDMatrix(values, rows: rows, columns: columns, iterationEnd: iterationEnd)
        }
        let config = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": \(iterationEnd), \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}"
        var shape: UnsafePointer<bst_ulong>?
        var dimension: bst_ulong = 0
        var result: UnsafePointer<Float>?
        let code = proxies.withProxy { proxy in
            values.withUnsafeBufferPointer { cells -> Int32 in
                let address = UInt(bitPattern: cells.baseAddress)
                let interface = "{\"data\": [\(address), true], \"shape\": [\(rows), \(columns)], \"typestr\": \"<f4\", \"version\": 3}"
                return XGBoosterPredictFromDense(handle, interface, config, proxy, &shape, &dimension, &result)
            }
        }
        if code != 0, let message = XGBGetLastError().map({ String(cString: $0) }),
           message.contains("Inplace predict is not supported") {
            // gblinear has no in-place prediction: remember it and go through a DMatrix.
            inplacePrediction.markUnsupported()
            return try predictThroughDMatrix(values, rows: rows, columns: columns, iterationEnd: iterationEnd)
        }
        try xgbCheck(code, "XGBoosterPredictFromDense")
        return try copyPrediction(shape: shape, dimension: dimension, result: result, rows: rows)
    }

    private func predictThroughDMatrix(_ values: [Float], rows: Int, columns: Int, iterationEnd: Int) throws(XGBoostError) -> XGBoostPrediction {
        let names = try featureNames()
        let matrix = try FeatureMatrix(rows: rows, columns: columns, values: values,
                                       featureNames: names.count == columns ? names : [])
        return try predict(XGBoostDMatrix(matrix, threads: 1), iterationEnd: iterationEnd)
    }

    /// Copies XGBoost's thread-local result buffer into a `XGBoostPrediction`.
    private func copyPrediction(
        shape: UnsafePointer<bst_ulong>?, dimension: bst_ulong, result: UnsafePointer<Float>?, rows: Int
    ) throws(XGBoostError) -> XGBoostPrediction {
        guard let shape, let result, dimension >= 1 else {
            throw .library(function: "XGBoosterPredict", message: "no result returned")
        }
        var total = 1
        for axis in 0..<Int(dimension) { total *= Int(shape[axis]) }
        let perRow = rows == 0 ? 1 : total / rows
        let values = Array(UnsafeBufferPointer(start: result, count: total))
        return XGBoostPrediction(rows: rows, outputsPerRow: perRow, values: values)
    }
}
