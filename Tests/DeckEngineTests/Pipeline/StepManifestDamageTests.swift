@testable import DeckEngine
import Foundation
import XCTest

/// A step-cache manifest read back from the store is outside input to the run: a series step
/// that is not a whole number (1e300, Infinity) drops that point instead of trapping.
final class StepManifestDamageTests: XCTestCase {
    func testNonIntegralStepsInACachedSeriesAreDropped() throws {
        let json = #"{"format":1,"files":[],"metrics":{},"facts":{},"notices":[],"series":{"loss":[[1,0.5],[1e300,0.4],["Infinity",0.3],[2,0.2]]}}"#
        let manifest = try StepManifest.decode(Data(json.utf8))
        let output = manifest.output(now: 0)
        XCTAssertEqual(output.series.map(\.step), [1, 2])
    }
}
