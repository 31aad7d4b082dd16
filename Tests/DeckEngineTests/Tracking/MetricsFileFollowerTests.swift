import DeckEngine
import DeckStore
import Foundation
import XCTest

/// The metrics-file follower: a bad line is skipped with its line and column, never the batch.
final class MetricsFileFollowerTests: XCTestCase {
    var file: URL!

    override func setUpWithError() throws {
        file = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-metrics-\(UUID().uuidString).jsonl")
        try Data().write(to: file)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: file) }

    func append(_ lines: [String]) throws {
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
        try handle.close()
    }

    func testALongKeyBetweenGoodLinesLosesOnlyItsOwnLine() throws {
        let long = String(repeating: "k", count: 251)
        try append([
            #"{"key":"loss","value":0.5,"step":1}"#,
            #"{"params":{"lr":"0.1"}}"#,
            #"{"key":"\#(long)","value":1}"#,
            #"{"tags":{"stage":"dev"}}"#,
            #"{"params":{"\#(long)":"x"}}"#,
            #"{"key":"loss","value":0.4,"step":2}"#,
        ])
        let follower = MetricsFileFollower(url: file)
        let batch = follower.poll(now: 100)
        XCTAssertEqual(batch.points.map(\.value), [0.5, 0.4])
        XCTAssertEqual(batch.params, ["lr": "0.1"])
        XCTAssertEqual(batch.tags, ["stage": "dev"])
        XCTAssertEqual(batch.problems.map(\.line), [3, 5])
        XCTAssertEqual(batch.problems.map(\.column), [9, 13], "the column of the key itself")
        XCTAssertTrue(batch.problems[0].description.contains("251 bytes"), batch.problems[0].description)
        XCTAssertTrue(batch.problems[0].description.contains("line 3, column 9"), batch.problems[0].description)
        XCTAssertEqual(follower.skippedLines, 2)
        for key in batch.points.map(\.key) + Array(batch.params.keys) + Array(batch.tags.keys) {
            XCTAssertTrue(DeckStore.isValidKey(key), "every key that reaches the store is valid")
        }
    }

    func testInvalidJSONIsSkippedWithItsColumn() throws {
        try append([#"{"key":"a","value":1}"#, #"{"key":"b","value":}"#, "not json", #"{"key":"c","value":3}"#])
        let follower = MetricsFileFollower(url: file)
        let batch = follower.poll()
        XCTAssertEqual(batch.points.map(\.key), ["a", "c"])
        XCTAssertEqual(batch.problems.map(\.line), [2, 3])
        XCTAssertEqual(batch.problems[0].column, 20)
        XCTAssertEqual(follower.skippedLines, 2)
    }

    func testAParamCannotChangeWithinABatch() throws {
        try append([#"{"params":{"pp":"1"}}"#, #"{"params":{"pp":"2"},"tags":{"t":"x"}}"#, #"{"params":{"pp":"1","q":"3"}}"#])
        let follower = MetricsFileFollower(url: file)
        let batch = follower.poll()
        XCTAssertEqual(batch.params, ["pp": "1", "q": "3"], "the first value stays; a repeat of the same value is fine")
        XCTAssertEqual(batch.tags, [:], "the conflicting line is skipped as a whole")
        XCTAssertEqual(batch.problems.count, 1)
        XCTAssertEqual(batch.problems[0].line, 2)
        XCTAssertEqual(batch.problems[0].column, 13)
        XCTAssertTrue(batch.problems[0].message.contains(#"param "pp" was set to "1" by line 1"#), batch.problems[0].message)
        XCTAssertTrue(batch.problems[0].message.contains("cannot change"), batch.problems[0].message)
    }

    func testAParamCannotChangeAcrossBatchesNorFromTheCommandLine() throws {
        let follower = MetricsFileFollower(url: file, knownParams: ["depth": "6"])
        try append([#"{"params":{"pp":"1"}}"#])
        XCTAssertEqual(follower.poll().params, ["pp": "1"])
        try append([#"{"params":{"pp":"2"}}"#, #"{"params":{"depth":"7"}}"#, #"{"params":{"depth":"6"}}"#, #"{"key":"m","value":1}"#])
        let second = follower.poll()
        XCTAssertEqual(second.params, ["depth": "6"])
        XCTAssertEqual(second.points.map(\.key), ["m"])
        XCTAssertEqual(second.problems.map(\.line), [2, 3])
        XCTAssertTrue(second.problems[1].message.contains("when the run started"), second.problems[1].message)
        XCTAssertEqual(follower.skippedLines, 2)
    }

    func testTheSameParamTwiceInOneLineWithDifferentValuesIsRefused() throws {
        try append([#"{"params":{"a":"1","a":"2"}}"#])
        let batch = MetricsFileFollower(url: file).poll()
        XCTAssertEqual(batch.params, [:])
        XCTAssertEqual(batch.problems.first?.line, 1)
    }
}
