/// The parts of XGBoost's JSON model that ``CompiledTrees`` reads (names as XGBoost writes them).
struct CompiledTreesModelFile: Decodable {
    struct Learner: Decodable {
        let gradient_booster: Booster
        let learner_model_param: Parameters
        let objective: Objective
    }
    struct Booster: Decodable {
        let name: String
        let model: Model?
    }
    struct Model: Decodable {
        let tree_info: [Int]
        let trees: [Tree]
    }
    struct Tree: Decodable {
        let left_children: [Int32], right_children: [Int32], split_indices: [Int32]
        let split_conditions: [Float]
        let default_left: [Bool]
        let split_type: [Int]?
        let categories: [Int]?

        enum CodingKeys: String, CodingKey {
            case left_children, right_children, split_indices, split_conditions, default_left, split_type, categories
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            left_children = try c.decode([Int32].self, forKey: .left_children)
            right_children = try c.decode([Int32].self, forKey: .right_children)
            split_indices = try c.decode([Int32].self, forKey: .split_indices)
            split_conditions = try c.decode([Float].self, forKey: .split_conditions)
            // XGBoost 1.x writes 0/1, 2.x booleans.
            if let flags = try? c.decode([Bool].self, forKey: .default_left) {
                default_left = flags
            } else {
                default_left = try c.decode([Int].self, forKey: .default_left).map { $0 != 0 }
            }
            split_type = try c.decodeIfPresent([Int].self, forKey: .split_type)
            categories = try c.decodeIfPresent([Int].self, forKey: .categories)
        }
    }
    struct Parameters: Decodable {
        let base_score: String
        let num_class: String
        let num_feature: String
    }
    struct Objective: Decodable {
        let name: String
    }
    let learner: Learner
}
