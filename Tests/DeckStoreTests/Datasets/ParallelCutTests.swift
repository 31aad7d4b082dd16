@testable import DeckStore
import Foundation
import XCTest

/// The parallel cutter (candidates found on several threads, then a short sequential pass) gives
/// exactly the cuts of the sequential ``ContentChunker/cut(_:count:isEnd:)`` loop, whatever the
/// split into slices, the window, the end of the input, and inputs that cut at the maximum size.
final class ParallelCutTests: XCTestCase {
    func sequential(_ chunker: ContentChunker, _ bytes: UnsafePointer<UInt8>, count: Int, isEnd: Bool, window: Int) -> [Int] {
        var lengths: [Int] = [], consumed = 0
        while consumed < count, let n = chunker.cut(bytes + consumed, count: count - consumed, isEnd: isEnd) {
            lengths.append(n)
            consumed += n
            if !isEnd && consumed >= window { break }
        }
        return lengths
    }

    func inputs() -> [(String, Data)] {
        let random = TestSplitMix64.bytes(seed: 77, count: 3_000_000)
        var text = Data()
        for i in 0..<60_000 { text += Data("\(i),\(i % 7),\(Double(i) / 3)\n".utf8) }
        return [("random", random), ("zeros", Data(count: 2_500_000)), ("csv-like", text),
                ("short", random.prefix(5_000)), ("random then zeros", random.prefix(1_000_000) + Data(count: 1_200_000))]
    }

    func testParallelCutsEqualTheSequentialCuts() throws {
        for chunker in [ContentChunker.standard, ContentChunker(averageBits: 10)] {
            for (name, data) in inputs() {
                data.withUnsafeBytes { raw in
                    let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    for isEnd in [true, false] {
                        for window in [1 << 16, 1_000_003, Int.max / 4] {
                            let expected = sequential(chunker, bytes, count: raw.count, isEnd: isEnd, window: window)
                            for parts in [1, 2, 3, 7] {
                                let got = chunker.cuts(bytes, count: raw.count, isEnd: isEnd, window: window, parts: parts)
                                XCTAssertEqual(got.map(\.length), expected,
                                               "\(name), average \(chunker.averageSize), end \(isEnd), window \(window), \(parts) parts")
                                XCTAssertEqual(got.map(\.start), Array(expected.reduce(into: [0]) { $0.append($0.last! + $1) }.dropLast()))
                            }
                        }
                    }
                }
            }
        }
    }

    func testTheInputsExerciseEveryKindOfCut() throws {
        let chunker = ContentChunker(averageBits: 10)
        let zeros = Data(count: 100_000)
        let lengths = zeros.withUnsafeBytes { chunker.chunkLengths($0) }
        XCTAssertTrue(lengths.dropLast().allSatisfy { $0 == chunker.maximumSize }, "zeros never clear a mask: cut at the maximum")
        let random = TestSplitMix64.bytes(seed: 77, count: 3_000_000)
        let randomLengths = random.withUnsafeBytes { chunker.chunkLengths($0) }
        XCTAssertTrue(randomLengths.contains { $0 < chunker.averageSize }, "strict-mask cuts")
        XCTAssertTrue(randomLengths.contains { $0 > chunker.averageSize && $0 < chunker.maximumSize }, "loose-mask cuts")
        XCTAssertTrue(randomLengths.contains { $0 < chunker.minimumSize + 63 && $0 > chunker.minimumSize }, "cuts within the first 63 bytes after the restart")
    }
}
