import DeckStore
import Foundation
import XCTest

/// `--where` / `select`'s `where:` over model versions: each kind of key, and errors that name
/// the field and its column as the run filter does.
final class ModelVersionFilterTests: XCTestCase {
    var root: URL!
    var store: DeckStore!

    override func setUpWithError() throws {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("model-filter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
        // v1: churn@1, depth 3, auc 0.80   v2: churn@2, depth 6, auc 0.90   v3: churn@2, depth 4, auc 0.85   v4: ames@1, auc 0.95
        for (i, (dataset, number, depth, auc)) in [("churn", 1, "3", 0.80), ("churn", 2, "6", 0.90), ("churn", 2, "4", 0.85), ("ames", 1, "4", 0.95)].enumerated() {
            let object = try store.objects.put(Data("model \(i)".utf8))
            try store.registerModelVersion(NewModelVersion(model: "m", modelObject: object, task: "binary", metrics: ["auc": auc, "logloss": 1 - auc],
                                                           params: ["max_depth": depth], datasetName: dataset, datasetVersionNumber: number))
        }
        try store.tagModelVersion(model: "m", version: 3, set: ["reviewed": "yes", "owner": "ana"])
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func matching(_ filter: String) throws -> [Int] {
        let parsed = try ModelVersionFilter(filter)
        return try store.modelVersions("m").filter(parsed.matches).map(\.version).sorted()
    }

    func testMetricsParamsTagsVersion() throws {
        XCTAssertEqual(try matching("metrics.auc >= 0.85"), [2, 3, 4])
        XCTAssertEqual(try matching("metrics.logloss < 0.12"), [2, 4])
        XCTAssertEqual(try matching("params.max_depth = '4'"), [3, 4])
        XCTAssertEqual(try matching("params.max_depth > 3"), [2, 3, 4], "a param compared with a number compares as a number")
        XCTAssertEqual(try matching("tags.reviewed = 'yes'"), [3])
        XCTAssertEqual(try matching("tags.owner IS NULL"), [1, 2, 4])
        XCTAssertEqual(try matching("version >= 3"), [3, 4])
        XCTAssertEqual(try matching("version != 2 and metrics.auc > 0.82"), [3, 4])
        XCTAssertEqual(try matching("metrics.nope > 0"), [], "a metric a version does not have never matches")
    }

    func testDatasetByNameMatchesEveryVersionOfIt() throws {
        XCTAssertEqual(try matching("dataset = 'churn'"), [1, 2, 3])
        XCTAssertEqual(try matching("dataset = 'churn@2'"), [2, 3])
        XCTAssertEqual(try matching("dataset != 'churn'"), [4])
        XCTAssertEqual(try matching("dataset IN ('ames', 'churn@1')"), [1, 4])
        XCTAssertEqual(try matching("dataset NOT IN ('churn')"), [4])
        XCTAssertEqual(try matching("dataset LIKE 'churn@%'"), [1, 2, 3])
    }

    func testBestVersionHonoursTheFilter() throws {
        XCTAssertEqual(try store.bestModelVersion(model: "m", metric: "auc").version, 4)
        XCTAssertEqual(try store.bestModelVersion(model: "m", metric: "auc", filter: "dataset = 'churn'").version, 2)
        XCTAssertEqual(try store.bestModelVersion(model: "m", metric: "logloss", filter: "dataset = 'churn@2'").version, 2, "lower is better")
        XCTAssertEqual(try store.bestModelVersion(model: "m", metric: "auc", filter: "tags.reviewed = 'yes'").version, 3)
        XCTAssertThrowsError(try store.bestModelVersion(model: "m", metric: "auc", filter: "metrics.auc > 0.99")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'m'") && text.contains("metrics.auc > 0.99") && text.contains("4 versions"), text)
        }
    }

    func testErrorsNameTheFieldAndColumn() throws {
        func failure(_ filter: String) -> FilterError? {
            do { _ = try ModelVersionFilter(filter); return nil } catch { return error as? FilterError }
        }
        let unknown = try XCTUnwrap(failure("metrics.auc > 0.8 and status = 'READY'"))
        XCTAssertEqual(unknown.column, 23)
        XCTAssertTrue(unknown.message.contains("status") && unknown.message.contains("version"), unknown.message)
        let production = try XCTUnwrap(failure("production.metrics.auc > 0.8"))
        XCTAssertEqual(production.column, 1)
        XCTAssertTrue(production.message.contains("production.metrics.auc"), production.message)
        let text = try XCTUnwrap(failure("version > 'three'"))
        XCTAssertEqual(text.column, 11)
        XCTAssertTrue(text.message.contains("version is a number"), text.message)
        let metricText = try XCTUnwrap(failure("metrics.auc = 'high'"))
        XCTAssertTrue(metricText.message.contains("metrics.auc is a number"), metricText.message)
        let bare = try XCTUnwrap(failure("tags.reviewed"))
        XCTAssertTrue(bare.message.contains("needs a comparison"), bare.message)
        XCTAssertNotNil(failure("metrics.auc >"))
        XCTAssertNil(failure("dataset = 'churn' and version >= 2 and task = 'binary'"))
    }
}
