@testable import DeckEngine
import DeckStore
import Foundation
import XCTest

/// The metrics-file reader gets its bytes in whatever pieces an executor's reports carry them:
/// cut anywhere — inside a line, inside a multi-byte character, between `\r` and `\n` — it reads
/// the same points, params, problems and line numbers as from the whole text at once.
final class MetricsLineReaderTests: XCTestCase {
    static let text = Array("""
        {"key": "loss", "value": 0.5, "step": 1}\r
        {"params": {"eta": "0.1", "note": "é→✓"}, "tags": {"phase": "fit"}}

        not json
        {"params": {"eta": "0.2"}}
        {"artifact": "model.bin", "key": "acc", "value": 0.75, "step": 2}
        {"key": "loss", "value": 0.25, "step": 3}
        """.utf8)

    struct Read: Equatable {
        var points: [String] = []
        var params: [String: String] = [:]
        var tags: [String: String] = [:]
        var artifacts: [String] = []
        var problems: [Int] = []

        mutating func add(_ batch: MetricsLineReader.Batch) {
            points += batch.points.map { "\($0.key)=\($0.value)@\($0.step)" }
            params.merge(batch.params) { _, new in new }
            tags.merge(batch.tags) { _, new in new }
            artifacts += batch.artifacts
            problems += batch.problems.map(\.line)
        }
    }

    func read(in pieces: [ArraySlice<UInt8>]) -> (Read, skipped: Int) {
        var reader = MetricsLineReader(knownParams: ["depth": "6"])
        var read = Read()
        for piece in pieces { read.add(reader.read(piece, now: 1)) }
        read.add(reader.read([], final: true, now: 1))
        return (read, reader.skippedLines)
    }

    func testPiecesCutAnywhereReadAsTheWhole() {
        let (whole, skipped) = read(in: [Self.text[...]])
        XCTAssertEqual(whole.points, ["loss=0.5@1", "acc=0.75@2", "loss=0.25@3"], "the last line has no newline and is read at the end")
        XCTAssertEqual(whole.params, ["eta": "0.1", "note": "é→✓"])
        XCTAssertEqual(whole.tags, ["phase": "fit"])
        XCTAssertEqual(whole.artifacts, ["model.bin"])
        XCTAssertEqual(whole.problems, [4, 5], "not json; a param that changes")
        XCTAssertEqual(skipped, 2)
        for size in [1, 2, 3, 7, 64] {
            let pieces = stride(from: 0, to: Self.text.count, by: size).map { Self.text[$0..<min($0 + size, Self.text.count)] }
            let (cut, cutSkipped) = read(in: pieces)
            XCTAssertEqual(cut, whole, "pieces of \(size) bytes")
            XCTAssertEqual(cutSkipped, skipped)
        }
    }

    func testWithoutFinalALastLineWithoutNewlineWaits() {
        var reader = MetricsLineReader()
        XCTAssertTrue(reader.read(Array("{\"key\": \"a\", \"value\": 1}".utf8)).isEmpty)
        XCTAssertEqual(reader.read(Array("\n".utf8)).points.map(\.key), ["a"])
    }
}
