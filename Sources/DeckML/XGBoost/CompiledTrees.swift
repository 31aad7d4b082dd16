import Foundation

/// A gradient-boosted tree model's trees in flat arrays, for scoring a few rows without
/// XGBoost's per-call cost.
///
/// XGBoost's in-place prediction parses two JSON documents, configures the learner and starts an
/// OpenMP region on every call: ~20 µs for one row of the churn model (200 trees of depth 6),
/// of which walking the trees is ~8 µs. Serving single rows pays that on every request. These
/// trees are read from the model's own JSON and walked the way XGBoost walks them — a split sends
/// `value < condition` left, a missing value (NaN) to its default side, leaf values added in tree
/// order to the base margin in 32-bit floats, then the objective's transform — so the answer is
/// the same float. ``XGBoostBooster/useCompiledTrees()`` only installs them after checking that
/// claim, bit for bit, against XGBoost on rows made to take both sides of every split.
///
/// Models these trees do not cover (gblinear, dart, categorical splits, vector leaves, objectives
/// other than those in ``Transform``, a vector intercept) compile to nil and keep XGBoost's path.
public struct CompiledTrees: Sendable {
    /// What turns a margin into the prediction, per objective.
    enum Transform: Sendable {
        case identity, sigmoid, softmax
    }

    let featureCount: Int
    /// Outputs per row (classes for multi:softprob, else 1).
    let groups: Int
    /// The base margin, the same for every output.
    let baseMargin: Float
    let transform: Transform
    /// Node arrays of every tree, one after another; children are absolute node indices, -1 for
    /// a leaf. A leaf's value is in `conditions`.
    let left: [Int32], right: [Int32], feature: [Int32], conditions: [Float], defaultLeft: [Bool]
    /// Each tree's root node index and output group.
    let roots: [Int32], treeGroups: [Int32]

    /// Compiles the trees of an XGBoost JSON model, or nil when the model is of a kind these
    /// trees do not reproduce exactly.
    public static func compile(modelJSON: Data) -> CompiledTrees? {
        guard let file = try? JSONDecoder().decode(CompiledTreesModelFile.self, from: modelJSON) else { return nil }
        let learner = file.learner
        guard learner.gradient_booster.name == "gbtree", let model = learner.gradient_booster.model,
              let features = Int(learner.learner_model_param.num_feature), features > 0,
              let base = Float(learner.learner_model_param.base_score),
              model.tree_info.count == model.trees.count else { return nil }
        let classes = Int(learner.learner_model_param.num_class) ?? 0
        let transform: Transform, margin: Float
        switch learner.objective.name {
        case "binary:logistic", "reg:logistic":
            guard base > 0, base < 1 else { return nil }
            transform = .sigmoid; margin = -logf(1 / base - 1)
        case "multi:softprob":
            transform = .softmax; margin = base
        case "reg:squarederror", "reg:linear", "reg:pseudohubererror", "reg:absoluteerror", "binary:logitraw",
             "rank:pairwise", "rank:ndcg", "rank:map":
            transform = .identity; margin = base
        default:
            return nil
        }
        let groups = transform == .softmax ? max(1, classes) : 1
        var left: [Int32] = [], right: [Int32] = [], feature: [Int32] = [], conditions: [Float] = [], defaultLeft: [Bool] = []
        var roots: [Int32] = [], treeGroups: [Int32] = []
        for (t, tree) in model.trees.enumerated() {
            let n = tree.left_children.count
            guard n > 0, tree.right_children.count == n, tree.split_indices.count == n, tree.split_conditions.count == n,
                  tree.default_left.count == n, (tree.split_type ?? []).allSatisfy({ $0 == 0 }),
                  (tree.categories ?? []).isEmpty, model.tree_info[t] >= 0, model.tree_info[t] < groups else { return nil }
            let offset = Int32(left.count)
            roots.append(offset); treeGroups.append(Int32(model.tree_info[t]))
            for i in 0..<n {
                let l = tree.left_children[i], r = tree.right_children[i]
                if l == -1 {
                    left.append(-1); right.append(-1); feature.append(0)
                } else {
                    guard l > 0, l < n, r > 0, r < n, tree.split_indices[i] >= 0, tree.split_indices[i] < features else { return nil }
                    left.append(offset + l); right.append(offset + r); feature.append(tree.split_indices[i])
                }
                conditions.append(tree.split_conditions[i]); defaultLeft.append(tree.default_left[i])
            }
        }
        return CompiledTrees(featureCount: features, groups: groups, baseMargin: margin, transform: transform,
                             left: left, right: right, feature: feature, conditions: conditions, defaultLeft: defaultLeft,
                             roots: roots, treeGroups: treeGroups)
    }

    /// Predictions of `rows` row-major rows of ``featureCount`` values (NaN = missing): `groups`
    /// values per row, as XGBoost's normal (transformed) prediction.
    func predict(_ cells: UnsafeBufferPointer<Float>, rows: Int) -> [Float] {
        var out = [Float](repeating: baseMargin, count: rows * groups)
        left.withUnsafeBufferPointer { left in right.withUnsafeBufferPointer { right in
        feature.withUnsafeBufferPointer { feature in conditions.withUnsafeBufferPointer { conditions in
        defaultLeft.withUnsafeBufferPointer { defaultLeft in out.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows {
                let row = cells.baseAddress! + r * featureCount
                for (t, root) in roots.enumerated() {
                    var node = Int(root)
                    while left[node] >= 0 {
                        let value = row[Int(feature[node])]
                        let goesLeft = value.isNaN ? defaultLeft[node] : value < conditions[node]
                        node = Int(goesLeft ? left[node] : right[node])
                    }
                    out[r * groups + Int(treeGroups[t])] += conditions[node]
                }
                applyTransform(out, row: r)
            }
        } } } } } }
        return out
    }

    private func applyTransform(_ out: UnsafeMutableBufferPointer<Float>, row r: Int) {
        switch transform {
        case .identity:
            break
        case .sigmoid:
            // XGBoost's common::Sigmoid: the exponent is capped so expf cannot overflow.
            let x = min(-out[r], 88.7 as Float)
            out[r] = 1 / (expf(x) + 1 + 1e-16)
        case .softmax:
            // XGBoost's common::Softmax: subtract the largest margin, sum the exponentials in a double.
            let start = r * groups
            var largest = out[start]
            for k in 1..<groups { largest = fmaxf(out[start + k], largest) }
            var sum = 0.0
            for k in 0..<groups {
                out[start + k] = expf(out[start + k] - largest)
                sum += Double(out[start + k])
            }
            let total = Float(sum)
            for k in 0..<groups { out[start + k] /= total }
        }
    }
}
