import Foundation

extension XGBoostBooster {
    /// Batches of at most this many rows are scored by compiled trees once they are in use
    /// (XGBoost's own block of rows; larger batches keep XGBoost's path and its threads).
    public static let compiledTreesMaxRows = 64

    /// Compiles this booster's trees (``CompiledTrees``) and, when they give XGBoost's own
    /// prediction bit for bit on probe rows that take both sides of every split and every
    /// missing-value default, scores small batches with them from now on. A booster that serves
    /// single rows calls this once after loading.
    /// - Returns: whether compiled trees are in use.
    @discardableResult
    public func useCompiledTrees() -> Bool {
        if compiledTrees.get() != nil { return true }
        guard let json = try? jsonData(), let trees = CompiledTrees.compile(modelJSON: json),
              (try? featureCount()) == trees.featureCount else { return false }
        let probes = CompiledTreesProbe.rows(for: trees, count: 512)
        guard let expected = try? predictDense(probes, rows: 512, columns: trees.featureCount, iterationEnd: 0, compiled: false),
              expected.outputsPerRow == trees.groups else { return false }
        let got = probes.withUnsafeBufferPointer { trees.predict($0, rows: 512) }
        guard got.count == expected.values.count,
              zip(got, expected.values).allSatisfy({ $0.bitPattern == $1.bitPattern }) else { return false }
        compiledTrees.set(trees)
        return true
    }

    /// Whether small batches are scored by compiled trees (``useCompiledTrees()`` succeeded).
    public var usesCompiledTrees: Bool { compiledTrees.get() != nil }
}

/// Rows that exercise every split of a model: each feature takes, at random, one of its split
/// conditions, the float just below or above one, NaN (missing) or 0.
enum CompiledTreesProbe {
    static func rows(for trees: CompiledTrees, count: Int) -> [Float] {
        var conditions = [[Float]](repeating: [], count: trees.featureCount)
        for node in trees.left.indices where trees.left[node] >= 0 {
            conditions[Int(trees.feature[node])].append(trees.conditions[node])
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var cells = [Float](repeating: 0, count: count * trees.featureCount)
        for r in 0..<count {
            for j in 0..<trees.featureCount {
                let choices = conditions[j]
                let pick = next() % 5
                if pick == 3 || choices.isEmpty { cells[r * trees.featureCount + j] = pick == 3 ? .nan : 0; continue }
                let condition = choices[next() % choices.count]
                cells[r * trees.featureCount + j] = pick == 0 ? condition : pick == 1 ? condition.nextDown : pick == 2 ? condition.nextUp : 0
            }
        }
        return cells
    }
}
