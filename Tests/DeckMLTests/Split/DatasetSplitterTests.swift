import DeckML
import XCTest

final class DatasetSplitterTests: XCTestCase {
    private let fractions = SplitFractions(validation: 0.15, test: 0.2)

    private func assertDisjointAndComplete(_ split: DatasetSplit, rows: Int, file: StaticString = #filePath, line: UInt = #line) {
        let all = split.train + split.validation + split.test
        XCTAssertEqual(all.count, rows, "every row used exactly once", file: file, line: line)
        XCTAssertEqual(Set(all), Set(0..<rows), "complete", file: file, line: line)
        for part in [split.train, split.validation, split.test] {
            XCTAssertEqual(part, part.sorted(), "indices sorted", file: file, line: line)
        }
    }

    func testRandomSplitHasRequestedProportions() throws {
        let split = try DatasetSplitter.random(rowCount: 1000, fractions: fractions, seed: 42)
        XCTAssertEqual(split.test.count, 200)
        XCTAssertEqual(split.validation.count, 150)
        XCTAssertEqual(split.train.count, 650)
        assertDisjointAndComplete(split, rows: 1000)
        // Rounded to nearest for uneven sizes.
        let odd = try DatasetSplitter.random(rowCount: 7, fractions: SplitFractions(test: 0.25), seed: 1)
        XCTAssertEqual(odd.test.count, 2)
        XCTAssertEqual(odd.train.count, 5)
        XCTAssertTrue(odd.validation.isEmpty)
    }

    func testRandomSplitIsDeterministicPerSeed() throws {
        let a = try DatasetSplitter.random(rowCount: 500, fractions: fractions, seed: 7)
        let b = try DatasetSplitter.random(rowCount: 500, fractions: fractions, seed: 7)
        let c = try DatasetSplitter.random(rowCount: 500, fractions: fractions, seed: 8)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.test, c.test)
        // Not simply the first or last rows.
        XCTAssertNotEqual(a.test, Array(0..<100))
        XCTAssertNotEqual(a.test, Array(400..<500))
    }

    func testSplitMix64MatchesReferenceSequence() {
        // Reference values of SplitMix64 for seed 1234567 (from the algorithm's published C code).
        var generator = SplitMix64(seed: 1_234_567)
        XCTAssertEqual(generator.next(), 6_457_827_717_110_365_317)
        XCTAssertEqual(generator.next(), 3_203_168_211_198_807_973)
        XCTAssertEqual(generator.next(), 9_817_491_932_198_370_423)
    }

    func testStratifiedSplitPreservesClassRatiosWithinOneRow() throws {
        // Three imbalanced classes: 600 / 300 / 37 rows, interleaved.
        var classes: [String] = []
        for i in 0..<937 {
            classes.append(i % 31 == 0 && classes.filter { $0 == "rare" }.count < 37 ? "rare" : (i % 3 == 0 ? "b" : "a"))
        }
        let split = try DatasetSplitter.stratified(classes: classes, fractions: fractions, seed: 3)
        assertDisjointAndComplete(split, rows: classes.count)
        for key in Set(classes) {
            let total = Double(classes.filter { $0 == key }.count)
            let parts: [([Int], Double)] = [(split.train, fractions.train), (split.validation, fractions.validation), (split.test, fractions.test)]
            for (part, fraction) in parts {
                let count = Double(part.filter { classes[$0] == key }.count)
                XCTAssertLessThanOrEqual(abs(count - total * fraction), 1.0, "class \(key), fraction \(fraction)")
            }
        }
        XCTAssertEqual(split, try DatasetSplitter.stratified(classes: classes, fractions: fractions, seed: 3))
        XCTAssertNotEqual(split, try DatasetSplitter.stratified(classes: classes, fractions: fractions, seed: 4))
    }

    func testTimeSplitPutsLatestRowsInTest() throws {
        // Times out of row order, with ties.
        let times = (0..<100).map { ($0 * 37) % 100 / 2 }
        let split = try DatasetSplitter.byTime(times: times, fractions: SplitFractions(validation: 0.1, test: 0.2))
        assertDisjointAndComplete(split, rows: 100)
        XCTAssertEqual(split.test.count, 20)
        XCTAssertEqual(split.validation.count, 10)
        let latestTrain = split.train.map { times[$0] }.max()!
        let earliestValidation = split.validation.map { times[$0] }.min()!
        let latestValidation = split.validation.map { times[$0] }.max()!
        let earliestTest = split.test.map { times[$0] }.min()!
        XCTAssertLessThanOrEqual(latestTrain, earliestValidation)
        XCTAssertLessThanOrEqual(latestValidation, earliestTest)
        XCTAssertEqual(Set(split.test.map { times[$0] }), Set(40...49))
    }

    func testRejectsInvalidFractions() {
        XCTAssertThrowsError(try DatasetSplitter.random(rowCount: 10, fractions: SplitFractions(validation: 0.5, test: 0.5), seed: 1)) { error in
            XCTAssertEqual(error as? SplitError, .invalidFractions(validation: 0.5, test: 0.5))
            XCTAssertTrue("\(error)".contains("sum to less than 1"))
        }
        XCTAssertThrowsError(try DatasetSplitter.byTime(times: [1, 2], fractions: SplitFractions(test: -0.1)))
    }
}
