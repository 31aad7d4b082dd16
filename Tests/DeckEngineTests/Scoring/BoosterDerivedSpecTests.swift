@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// XGBoost versions registered without a preprocessing spec (through MLflow) load with a spec
/// derived from the booster, and score like Python's `Booster.predict` — the boosters and the
/// reference are fixtures/booster-schema, made by scripts/fixtures/make_booster_schema_fixtures.py.
final class BoosterDerivedSpecTests: XCTestCase {
    static let folder = RepositoryRoot.url.appendingPathComponent("fixtures/booster-schema")

    struct Reference: Decodable {
        var file: String
        var feature_names: [String]?
        var feature_types: [String]?
        var num_features: Int
        var objective: String
        var num_class: Int
        var rows: [[Double?]]
        var predictions: FlatNumbers
    }

    /// Python's predictions, one number per row or one list per row, flattened row by row.
    struct FlatNumbers: Decodable {
        var values: [Double]
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let rows = try? container.decode([[Double]].self) { values = rows.flatMap { $0 } } else { values = try container.decode([Double].self) }
        }
    }

    struct References: Decodable {
        var models: [String: Reference]
        var mlflow_churn_v3: Reference
    }

    static func references() throws -> References {
        try JSONDecoder().decode(References.self, from: Data(contentsOf: folder.appendingPathComponent("reference.json")))
    }

    var workspace: URL!
    var store: DeckStore!

    override func setUpWithError() throws {
        workspace = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mldeck-derived-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: workspace))
    }

    override func tearDownWithError() throws {
        store = nil
        try? FileManager.default.removeItem(at: workspace)
    }

    /// Registers `file` as MLflow would (framework xgboost, no spec) and loads it.
    func loaded(_ file: URL, model: String, framework: String = "xgboost") throws -> LoadedModel {
        let object = try store.objects.put(try Data(contentsOf: file))
        let version = try store.registerModelVersion(NewModelVersion(model: model, modelObject: object, framework: framework,
                                                                     task: nil, signature: [], metrics: [:], params: [:]))
        return try LoadedModel.load(store: store, version: version)
    }

    func table(_ names: [String], _ rows: [[Double?]]) -> DataTable {
        let columns = names.indices.map { j in DataTable.Column.numeric(rows.map { $0[j] ?? .nan }) }
        return DataTable(names: names, types: names.map { _ in .float }, columns: columns)
    }

    func numbers(_ value: FlatNumbers) -> [Double] { value.values }

    func assertClose(_ actual: [Double], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: 1e-6, what, file: file, line: line) }
    }

    func testNamedTypedBinaryBoosterServesItsOwnSchema() throws {
        let reference = try XCTUnwrap(try Self.references().models["binary_named"])
        let model = try loaded(Self.folder.appendingPathComponent(reference.file), model: "named")
        XCTAssertTrue(model.specIsDerived)
        XCTAssertEqual(model.spec.featureNames, reference.feature_names)
        XCTAssertEqual(model.spec.inputs.map(\.name), ["tenure", "charges", "plan", "promo"])
        XCTAssertEqual(model.spec.inputs.map(\.type), ["integer", "float", "float", "boolean"])
        XCTAssertTrue(model.spec.inputs.allSatisfy { $0.encoding == .numeric && $0.width == 1 })
        XCTAssertEqual(model.spec.task, .binary)
        XCTAssertEqual(model.spec.classes, ["0", "1"])
        // Columns in another order and an extra column: found by name, as a request's would be.
        let names = try XCTUnwrap(reference.feature_names)
        let shuffled = [3, 0, 2, 1]
        var t = table(shuffled.map { names[$0] }, reference.rows.map { row in shuffled.map { row[$0] } })
        t.names.append("note"); t.types.append(.float); t.columns.append(.numeric(Array(repeating: 1, count: t.rowCount)))
        let scored = try ModelScorer(model: model).score(t)
        let expected = numbers(reference.predictions)
        assertClose(scored.predictions.values, expected, "probability of class 1")
        assertClose(try XCTUnwrap(scored.predictions.probabilities).map { $0[1] }, expected, "second probability")
        XCTAssertEqual(scored.predictions.labels, expected.map { $0 > 0.5 ? "1" : "0" })
        XCTAssertThrowsError(try ModelScorer(model: model).score(table(["tenure", "charges", "plan"], [[1, 2, 3]]))) { error in
            XCTAssertEqual(error as? PreprocessingError, .missingColumn("promo", available: ["tenure", "charges", "plan"]))
        }
    }

    func testUnnamedBoostersGetXGBoostsNamesAndTheirObjectivesTask() throws {
        let references = try Self.references().models
        for (name, task) in [("multi_softprob", ModelTask.multiclass), ("multi_softmax", .multiclass), ("regression", .regression)] {
            let reference = try XCTUnwrap(references[name])
            XCTAssertNil(reference.feature_names, "the fixture stores no names")
            let model = try loaded(Self.folder.appendingPathComponent(reference.file), model: name.replacingOccurrences(of: "_", with: "-"))
            XCTAssertEqual(model.spec.featureNames, ["f0", "f1", "f2"], name)
            XCTAssertEqual(model.spec.task, task, name)
            let scored = try ModelScorer(model: model).score(table(model.spec.featureNames, reference.rows))
            let expected = numbers(reference.predictions)
            assertClose(scored.predictions.values, expected, name)
            switch name {
            case "multi_softprob":
                XCTAssertEqual(model.spec.classes, ["0", "1", "2"])
                let rows = try XCTUnwrap(scored.predictions.probabilities)
                XCTAssertEqual(rows.count, reference.rows.count)
                XCTAssertEqual(scored.predictions.labels, rows.map { row in String(row.indices.max { row[$0] < row[$1] }!) })
            case "multi_softmax":
                XCTAssertNil(scored.predictions.probabilities, "softmax predicts the class, not probabilities")
                XCTAssertEqual(scored.predictions.labels, expected.map { String(Int($0)) })
            default:
                XCTAssertNil(scored.predictions.labels)
            }
        }
    }

    /// The MLflow import fixture's logged model (churn version 3): scored like Python does.
    func testTheMLflowFixturesLoggedModelScoresLikePython() throws {
        let reference = try Self.references().mlflow_churn_v3
        let model = try loaded(RepositoryRoot.url.appendingPathComponent(reference.file), model: "churn")
        XCTAssertEqual(model.spec.featureNames, ["f0", "f1", "f2"])
        let scored = try ModelScorer(model: model).score(table(["f0", "f1", "f2"], reference.rows))
        assertClose(scored.predictions.values, numbers(reference.predictions), "churn@1")
    }

    func testCategoricalFeatureIsALoadErrorNamingIt() throws {
        let reference = try XCTUnwrap(try Self.references().models["categorical"])
        XCTAssertEqual(reference.feature_types, ["float", "c"])
        XCTAssertThrowsError(try loaded(Self.folder.appendingPathComponent(reference.file), model: "regions")) { error in
            guard case .unservableFeature(let model, let feature, let type) = error as? ModelLoadError else { return XCTFail("\(error)") }
            XCTAssertEqual([model, feature, type], ["regions@1", "region", "c"])
            XCTAssertEqual((error as? ModelLoadError)?.category, .invalidArgument)
            XCTAssertTrue("\(error)".hasPrefix("regions@1 has no preprocessing spec and its booster types feature 'region' as 'c'"), "\(error)")
        }
    }

    /// Only XGBoost versions get a derived spec; an XGBoost version whose bytes are no booster
    /// is a damaged model, not a missing spec.
    func testOtherFrameworksStillNeedASpec() throws {
        let file = workspace.appendingPathComponent("model.pkl")
        try Data("not a booster".utf8).write(to: file)
        XCTAssertThrowsError(try loaded(file, model: "pickled", framework: "sklearn")) { error in
            guard case .noPreprocessing(let model) = error as? ModelLoadError else { return XCTFail("\(error)") }
            XCTAssertEqual(model, "pickled@1")
        }
        XCTAssertThrowsError(try loaded(file, model: "garbled")) { error in
            XCTAssertEqual((error as? ModelLoadError)?.category, .corrupt, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("the model of garbled@1 cannot be loaded"), "\(error)")
        }
    }

    /// XGBoost >= 3.1 stores the intercept as a vector string that libxgboost 1.7 reads as 0.5:
    /// the binary and regression fixtures above only match Python because it is restored; one
    /// intercept per class cannot be held, and loading says so.
    func testVectorInterceptsAreRestoredOrRefused() throws {
        let named = try Data(contentsOf: Self.folder.appendingPathComponent("binary_named.ubj"))
        XCTAssertEqual(XGBoostIntercept.vector(in: named), ["5.2E-1"])
        let json = Data(#"{"learner": {"learner_model_param": {"base_score": "[2.5E-1]", "num_class": "0"}}}"#.utf8)
        XCTAssertEqual(XGBoostIntercept.vector(in: json), ["2.5E-1"])
        XCTAssertNil(XGBoostIntercept.vector(in: Data(#"{"base_score": "5E-1"}"#.utf8)), "1.7's own form is read by 1.7")
        XCTAssertThrowsError(try loaded(Self.folder.appendingPathComponent("multi_intercepts.ubj"), model: "classes")) { error in
            XCTAssertEqual((error as? ModelLoadError)?.category, .corrupt, "\(error)")
            XCTAssertTrue("\(error)".contains("classes@1"), "\(error)")
            XCTAssertTrue("\(error)".contains("one intercept per class"), "\(error)")
        }
    }

    func testUnservableObjectiveIsNamed() {
        let schema = XGBoostModelSchema(featureNames: ["f0"], featureTypes: nil, objective: "rank:pairwise", classCount: 0)
        XCTAssertThrowsError(try BoosterDerivedSpec.task(of: schema, model: "ranker@2")) { error in
            XCTAssertTrue("\(error)".contains("ranker@2 has no preprocessing spec and its booster's objective 'rank:pairwise'"), "\(error)")
        }
    }
}
