@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// Features, task inference, label mapping, reference data, and the exported model's Python
/// round trip (committed fixture made by scripts/fixtures/make_export_fixture.sh).
final class PreprocessingTests: XCTestCase {
    func table(_ csv: String) throws -> DataTable {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("pre-\(UUID().uuidString).csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try DataTable.load(path: url.path)
    }

    func testTaskInference() throws {
        var rows = ["id,x,yesno,three,count,price"]
        for i in 0..<60 { rows.append("\(i + 1),\(Double(i) * 0.5),\(i % 2 == 0 ? "Yes" : "No"),\(["a", "b", "c"][i % 3]),\(i % 7),\(Double(i) * 1.37 + 0.01)") }
        let t = try table(rows.joined(separator: "\n"))
        func task(_ target: String) throws -> (ModelTask, [String]?) { try PreprocessingFitter(options: .init(target: target)).inferTask(t) }
        XCTAssertEqual(try task("yesno").0, .binary)
        XCTAssertEqual(try task("yesno").1, ["No", "Yes"])
        XCTAssertEqual(try task("three").0, .multiclass)
        XCTAssertEqual(try task("count").0, .multiclass)
        XCTAssertEqual(try task("count").1, ["0", "1", "2", "3", "4", "5", "6"])
        XCTAssertEqual(try task("price").0, .regression)
        XCTAssertEqual(try PreprocessingFitter(options: .init(target: "count", task: .regression)).inferTask(t).0, .regression)
    }

    func testIDColumnsAndTextAreLeftOut() throws {
        var rows = ["rownames,serial,note,colour,y"]
        for i in 0..<40 { rows.append("\(i + 1),\(1000 + i * 3),free text \(i),\(["red", "blue"][i % 2]),\(i % 2)") }
        let t = try table(rows.joined(separator: "\n"))
        let (features, excluded) = try PreprocessingFitter(options: .init(target: "y")).chooseFeatures(t)
        XCTAssertEqual(features.map { t.names[$0] }, ["colour"])
        XCTAssertEqual(excluded.map(\.name), ["rownames", "serial", "note"])
        XCTAssertTrue(excluded[1].reason.contains("unique integers in order"))
        let kept = try PreprocessingFitter(options: .init(target: "y", keepIDs: true)).chooseFeatures(t)
        XCTAssertEqual(kept.features.map { t.names[$0] }, ["rownames", "serial", "colour"])
        XCTAssertThrowsError(try PreprocessingFitter(options: .init(target: "y", features: ["nope"])).chooseFeatures(t))
    }

    func testOneHotAndLabels() throws {
        let t = try table("x,c,y\n1,red,Yes\n2,blue,No\n,red,Yes\n4,green,No\n")
        let fitter = PreprocessingFitter(options: .init(target: "y"))
        let (task, classes) = try fitter.inferTask(t)
        let spec = fitter.fit(t, task: task, classes: classes, features: [0, 1], excluded: [], trainRows: [0, 1, 2])
        XCTAssertEqual(spec.featureNames, ["x", "c=blue", "c=red"])  // green was not in the training rows
        let m = try FeatureTransformer(spec: spec).features(t)
        XCTAssertEqual(Array(m.row(0)), [1, 0, 1])
        XCTAssertTrue(m[2, 0].isNaN)
        XCTAssertEqual(Array(m.row(3)), [4, 0, 0])
        XCTAssertEqual(try FeatureTransformer(spec: spec).labels(t), [1, 0, 1, 0])
    }

    func testReferenceDataRoundTrip() throws {
        let t = try table("x,c,y\n3,red,1\n1,blue,0\n,red,1\n2,red,0\n5,blue,1\n")
        let fitter = PreprocessingFitter(options: .init(target: "y"))
        let (task, classes) = try fitter.inferTask(t)
        let spec = fitter.fit(t, task: task, classes: classes, features: [0, 1], excluded: [], trainRows: [0, 1, 2, 3])
        let reference = ReferenceData.build(table: t, spec: spec, rows: [0, 1, 2, 3])
        XCTAssertEqual(reference.column("x")?.sortedValues, [1, 2, 3])
        XCTAssertEqual(reference.column("x")?.missing, 1)
        XCTAssertEqual(reference.column("x")?.statistics.mean, 2)
        XCTAssertEqual(reference.column("x")?.statistics.std, 1)                     // ddof 1, as pandas
        XCTAssertEqual(reference.column("x")!.statistics.stdPopulation!, (2.0 / 3).squareRoot(), accuracy: 1e-15)  // ddof 0
        XCTAssertEqual(reference.column("c")?.categories?.map(\.value), ["blue", "red"])
        XCTAssertEqual(reference.column("c")?.categories?.map(\.count), [1, 3])
        let decoded = try ReferenceData.decode(try reference.encoded())
        XCTAssertEqual(decoded, reference)
    }

    /// The committed export (fixtures/pipelines/export_churn) scored by MLDeck equals Python
    /// xgboost 1.7's predictions of the same export to 1e-6.
    func testExportedModelMatchesPythonFixture() throws {
        let dir = RepositoryRoot.url.appendingPathComponent("fixtures/pipelines/export_churn")
        let spec = try PreprocessingSpec.decode(try Data(contentsOf: dir.appendingPathComponent("preprocessing.json")))
        let booster = try XGBoostBooster(contentsOf: dir.appendingPathComponent("model.json"))
        let table = try DataTable.load(path: RepositoryRoot.url.appendingPathComponent("fixtures/pipelines/churn_score.csv").path)
        let ours = try booster.predict(try FeatureTransformer(spec: spec).features(table)).doubles
        struct Python: Decodable { var predictions: [Double] }
        let python = try JSONDecoder().decode(Python.self, from: Data(contentsOf: dir.appendingPathComponent("python_predictions.json")))
        XCTAssertEqual(ours.count, python.predictions.count)
        XCTAssertEqual(ours.count, 100)
        for (a, b) in zip(ours, python.predictions) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(spec.classes, ["No", "Yes"])
        let labels = LoadedModel.interpret(try booster.predict(try FeatureTransformer(spec: spec).features(table)), spec: spec).labels ?? []
        XCTAssertEqual(Set(labels).subtracting(["No", "Yes"]), [])
    }
}
