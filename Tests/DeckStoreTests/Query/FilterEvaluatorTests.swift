import DeckStore
import XCTest

/// A context backed by a dictionary of "namespace.name" → value.
struct DictionaryContext: FilterContext {
    var values: [String: FilterValue]
    func value(of field: FilterField) -> FilterValue? { values["\(field.namespace).\(field.name)"] }
}

final class FilterEvaluatorTests: XCTestCase {
    let run = DictionaryContext(values: [
        "metrics.auc": .number(0.91), "metrics.loss": .number(0.2), "params.max_depth": .string("6"),
        "params.model": .string("XGBoost-hist"), "attributes.status": .string("FINISHED"),
    ])

    func holds(_ text: String, _ context: FilterContext? = nil, evaluator: FilterEvaluator = FilterEvaluator()) throws -> Bool {
        evaluator.evaluate(try FilterExpression.parse(text), in: context ?? run)
    }

    func testComparisonsAndLogic() throws {
        XCTAssertTrue(try holds("metrics.auc > 0.9 and params.max_depth = '6'"))
        XCTAssertFalse(try holds("metrics.auc > 0.95"))
        XCTAssertTrue(try holds("metrics.auc > 0.95 or metrics.loss < 0.3"))
        XCTAssertTrue(try holds("not metrics.auc > 0.95"))
        XCTAssertTrue(try holds("params.max_depth > 4"), "a numeric literal compares a param as a number")
        XCTAssertFalse(try holds("params.max_depth > '7'"), "a quoted literal compares as text")
        XCTAssertTrue(try holds("params.max_depth IN ('4', '6')"))
        XCTAssertTrue(try holds("params.max_depth NOT IN ('4', '8')"))
        XCTAssertTrue(try holds("status = 'FINISHED'"))
    }

    func testLikeIsCaseSensitiveAndIlikeIsNot() throws {
        XCTAssertTrue(try holds("params.model LIKE 'XGB%'"))
        XCTAssertFalse(try holds("params.model LIKE 'xgb%'"))
        XCTAssertTrue(try holds("params.model ILIKE 'xgb%'"))
        XCTAssertTrue(try holds("params.model LIKE '%-h_st'"))
        XCTAssertTrue(try holds("params.model NOT LIKE '%linear%'"))
    }

    func testMissingValuesAreUnknownEvenUnderNot() throws {
        XCTAssertFalse(try holds("metrics.f1 > 0.5"))
        XCTAssertFalse(try holds("not metrics.f1 > 0.5"), "NOT unknown is unknown, as in SQL")
        XCTAssertTrue(try holds("metrics.f1 > 0.5 or metrics.auc > 0.9"))
        XCTAssertTrue(try holds("metrics.f1 IS NULL"))
        XCTAssertFalse(try holds("metrics.auc IS NULL"))
    }

    func testProductionComparisonsHoldWhileThereIsNoProductionVersion() throws {
        let evaluator = FilterEvaluator(missingIsTrue: { $0.namespace.hasPrefix("production") })
        let condition = "metrics.auc >= 0.80 and metrics.auc > production.metrics.auc"
        XCTAssertTrue(try holds(condition, evaluator: evaluator))
        var withProduction = run
        withProduction.values["production.metrics.auc"] = .number(0.95)
        XCTAssertFalse(try holds(condition, withProduction, evaluator: evaluator))
        withProduction.values["production.metrics.auc"] = .number(0.90)
        XCTAssertTrue(try holds(condition, withProduction, evaluator: evaluator))
        var noProduction = run
        noProduction.values["production.exists"] = .bool(false)
        XCTAssertFalse(try holds("production.exists", noProduction, evaluator: evaluator))
    }
}
