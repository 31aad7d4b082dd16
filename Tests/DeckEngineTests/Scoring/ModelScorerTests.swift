@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest

/// The scoring seam: bad values are refused with row and column (or scored as missing under
/// `lenient`), and ids come from the column whose declared role is `id`.
final class ModelScorerTests: XCTestCase {
    func trainedModel(_ yaml: String = PipelineYAML.standard()) throws -> (PipelineTestWorkspace, LoadedModel) {
        let ws = try PipelineTestWorkspace(yaml: yaml)
        let outcome = try ws.run("p")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let version = try ws.store.modelVersion(ModelReference(model: "m", selector: .latest))
        return (ws, try LoadedModel.load(store: ws.store, version: version))
    }

    func table(_ csv: String) throws -> DataTable {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("score-\(UUID().uuidString).csv")
        try csv.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try DataTable.load(path: url.path)
    }

    func testBadValuesAreRefusedWithRowAndColumn() throws {
        let (_, model) = try trainedModel()
        XCTAssertEqual(model.spec.idColumn, "id")
        let bad = try table("id,x1,x2,colour\n7,1.5,2,red\n8,abc,3,blue\n9,2,,purple\n")
        XCTAssertThrowsError(try ModelScorer(model: model).score(bad)) { error in
            guard case ScoringError.badValues(let problems, let total) = error else { return XCTFail("\(error)") }
            // Only the text in a numeric column is refused; the unseen category is not a reason.
            XCTAssertEqual(total, 1)
            XCTAssertEqual(problems.map(\.description), ["row 2, column 'x1': 'abc' is not a number"])
            XCTAssertEqual((error as? ScoringError)?.category, .invalidArgument)
        }
        // Lenient: scored as missing, each reported; the same numbers as a table with those cells empty.
        let lenient = try ModelScorer(model: model).score(bad, lenient: true)
        XCTAssertEqual(lenient.warnings.count, 2)
        XCTAssertEqual(lenient.ids, ["7", "8", "9"])
        let blanked = try ModelScorer(model: model).score(try table("id,x1,x2,colour\n7,1.5,2,red\n8,,3,blue\n9,2,,\n"))
        XCTAssertEqual(lenient.predictions.values, blanked.predictions.values)
    }

    /// One rule for `models predict`, `serve` and the exported loader: an unseen category is
    /// scored as missing (the training encoding of a missing value) and reported, never refused.
    func testAnUnseenCategoryIsScoredAsMissingWithAWarningNotRefused() throws {
        let (_, model) = try trainedModel()
        let scored = try ModelScorer(model: model).score(try table("id,x1,x2,colour\n7,1.5,2,red\n9,2,1,purple\n"))
        XCTAssertEqual(scored.warnings.map(\.description),
                       ["row 2, column 'colour': 'purple' is a category the model never saw (it knows: blue, green, red)"])
        XCTAssertEqual(scored.warnings.first?.kind, .unseenCategory)
        let blanked = try ModelScorer(model: model).score(try table("id,x1,x2,colour\n7,1.5,2,red\n9,2,1,\n"))
        XCTAssertTrue(blanked.warnings.isEmpty)
        XCTAssertEqual(scored.predictions.values, blanked.predictions.values)
    }

    func testTheIdColumnIsDeclaredNotGuessedFromMessages() throws {
        let yaml = PipelineYAML.standard().replacingOccurrences(of: "seed: 3}", with: "seed: 3, id: colour}")
        let (_, model) = try trainedModel(yaml)
        XCTAssertEqual(model.spec.idColumn, "colour")
        XCTAssertEqual(model.spec.excluded.first { $0.name == "colour" }?.role, .id)
        XCTAssertNil(model.spec.excluded.first { $0.name == "id" }?.role)
        let scored = try ModelScorer(model: model).score(try table("id,x1,x2,colour\n1,1,2,red\n"))
        XCTAssertEqual(scored.ids, ["red"])
    }

    /// Loading a model has errors of its own, with a category a server can map.
    func testModelLoadingErrorsAreTyped() throws {
        let (ws, _) = try trainedModel()
        let bare = try ws.store.registerModelVersion(NewModelVersion(model: "bare", modelObject: try ws.store.objects.put(Data("{}".utf8)), framework: "sklearn",
                                                                     task: "binary", signature: [], metrics: [:], params: [:]))
        XCTAssertThrowsError(try LoadedModel.load(store: ws.store, version: bare)) { error in
            guard case .noPreprocessing(let model) = error as? ModelLoadError else { return XCTFail("\(error)") }
            XCTAssertEqual(model, "bare@1")
            XCTAssertEqual((error as? ModelLoadError)?.category, .invalidArgument)
        }
        let spec = try ws.store.objects.put(try PreprocessingSpec(target: "y", task: .binary, classes: ["a", "b"], inputs: [],
                                                                  featureNames: [], excluded: []).jsonData())
        let broken = try ws.store.registerModelVersion(NewModelVersion(model: "broken", modelObject: try ws.store.objects.put(Data("not a model".utf8)),
                                                                       preprocessingObject: spec, task: "binary", signature: [], metrics: [:], params: [:]))
        XCTAssertThrowsError(try LoadedModel.load(store: ws.store, version: broken)) { error in
            XCTAssertEqual((error as? ModelLoadError)?.category, .corrupt, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("the model of broken@1 cannot be loaded"), "\(error)")
        }
    }
}
