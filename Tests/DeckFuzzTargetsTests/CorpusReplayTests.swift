import DeckFuzzTargets
import Foundation
import XCTest

/// Every committed fuzz input goes through its parser in the normal test build: the seed and
/// minimised corpora (`Fuzz/Corpus/<target>/`) and every crash libFuzzer found
/// (`Fuzz/Crashes/<target>/`, kept after the fix as a regression test). A crash here fails the
/// whole test process, which is the point.
final class CorpusReplayTests: XCTestCase {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    func testEveryTargetHasASeedCorpus() {
        for target in FuzzTarget.allCases {
            XCTAssertGreaterThanOrEqual(Self.inputs("Corpus", target).count, 3, "Fuzz/Corpus/\(target.rawValue) needs seeds")
        }
    }

    func testCorporaReplay() throws {
        var replayed = 0
        for target in FuzzTarget.allCases {
            for file in Self.inputs("Corpus", target) + Self.inputs("Crashes", target) {
                target.run(Array(try Data(contentsOf: file)))
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0)
        print("replayed \(replayed) fuzz inputs")
    }
}
