@testable import DeckEngine
import DeckML
import XCTest

/// The random search of `mldeck run --trials N --param-range …`: parsing, seeding, bounds.
final class SweepSamplerTests: XCTestCase {
    func testRangesParseWithTheirDistributions() throws {
        XCTAssertEqual(try ParamRange.parse("eta=0.01:0.3:log"), ParamRange(name: "eta", low: 0.01, high: 0.3, scale: .log))
        XCTAssertEqual(try ParamRange.parse("max_depth=3:10:int"), ParamRange(name: "max_depth", low: 3, high: 10, scale: .int))
        XCTAssertEqual(try ParamRange.parse("subsample=0.5:1.0"), ParamRange(name: "subsample", low: 0.5, high: 1, scale: .uniform))
        XCTAssertEqual(try ParamRange.parse("subsample=0.5:1.0:UNIFORM").scale, .uniform)
    }

    /// Every malformed range is refused with a message naming the key and the fix.
    func testBadRangesNameTheKey() {
        func message(_ text: String) -> String {
            do { _ = try ParamRange.parse(text); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertTrue(message("eta").contains("NAME=LOW:HIGH"), message("eta"))
        XCTAssertTrue(message("=1:2").contains("NAME=LOW:HIGH"))
        XCTAssertTrue(message("eta=0.1").contains("expected NAME=LOW:HIGH"))
        XCTAssertTrue(message("eta=a:1").contains("--param-range eta: 'a' is not a number"), message("eta=a:1"))
        XCTAssertTrue(message("eta=0:inf").contains("not a finite number"), message("eta=0:inf"))
        XCTAssertTrue(message("eta=nan:1").contains("eta"), message("eta=nan:1"))
        XCTAssertTrue(message("eta=0.3:0.01").contains("--param-range eta: the low bound 0.3 must be below the high bound 0.01"))
        XCTAssertTrue(message("eta=0:0.3:log").contains("must be above 0 for a log range"), message("eta=0:0.3:log"))
        XCTAssertTrue(message("eta=0.1:0.3:cubic").contains("unknown distribution 'cubic'"))
        XCTAssertTrue(message("max_depth=3.5:10:int").contains("--param-range max_depth: '3.5' is not a whole number"))
        XCTAssertTrue(message("max_depth=3:1e300:int").contains("max_depth"), "no trap on a huge int bound")
        XCTAssertTrue(message("max_depth=3:99999999999999999999:int").contains("max_depth"))
    }

    func testTheSameSeedDrawsTheSameTrialsAndAnotherSeedOthers() {
        let ranges = [ParamRange(name: "eta", low: 0.01, high: 0.3, scale: .log), ParamRange(name: "d", low: 3, high: 10, scale: .int)]
        let a = SweepSampler.sample(ranges: ranges, choices: [], trials: 20, seed: 7)
        XCTAssertEqual(a, SweepSampler.sample(ranges: ranges, choices: [], trials: 20, seed: 7))
        XCTAssertNotEqual(a, SweepSampler.sample(ranges: ranges, choices: [], trials: 20, seed: 8))
        XCTAssertEqual(a.count, 20)
        XCTAssertEqual(Set(a.map { $0["eta"] ?? "" }).count, 20, "20 distinct learning rates")
        // The generator is fixed (SplitMix64), so a seed draws the same values on every machine.
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
    }

    /// Log-uniform values stay in [low, high] and spread evenly over the decades.
    func testLogUniformStaysInBoundsAndSpreadsOverDecades() throws {
        let range = ParamRange(name: "eta", low: 0.001, high: 1, scale: .log)
        let values = try SweepSampler.sample(ranges: [range], choices: [], trials: 3000, seed: 1).map { try XCTUnwrap(Double($0["eta"] ?? "")) }
        XCTAssertTrue(values.allSatisfy { (0.001...1).contains($0) }, "\(values.filter { !(0.001...1).contains($0) })")
        let perDecade = [0.001, 0.01, 0.1].map { low in values.filter { $0 >= low && $0 < low * 10 }.count }
        for n in perDecade { XCTAssertEqual(Double(n), 1000, accuracy: 120, "\(perDecade): a third in each decade") }
        XCTAssertEqual(range.value(at: 0), "0.001")
        XCTAssertEqual(range.value(at: 0.9999999999999999), "1")
    }

    /// Int ranges give whole numbers with both ends included, each about equally often.
    func testIntRangesIncludeBothEnds() {
        let range = ParamRange(name: "d", low: 3, high: 10, scale: .int)
        let values = SweepSampler.sample(ranges: [range], choices: [], trials: 4000, seed: 3).compactMap { Int($0["d"] ?? "") }
        XCTAssertEqual(values.count, 4000, "every value is a whole number")
        XCTAssertEqual(Set(values), Set(3...10))
        for v in 3...10 { XCTAssertEqual(Double(values.filter { $0 == v }.count), 500, accuracy: 100) }
        XCTAssertEqual(range.value(at: 0), "3")
        XCTAssertEqual(range.value(at: 0.9999999999999999), "10")
    }

    func testUniformStaysInBounds() throws {
        let values = try SweepSampler.sample(ranges: [ParamRange(name: "s", low: 0.5, high: 1, scale: .uniform)], choices: [], trials: 1000, seed: 5)
            .map { try XCTUnwrap(Double($0["s"] ?? "")) }
        XCTAssertTrue(values.allSatisfy { (0.5...1).contains($0) })
        XCTAssertEqual(values.reduce(0, +) / 1000, 0.75, accuracy: 0.02)
    }

    /// With --trials, --sweep axes are choices drawn at random.
    func testSweepValuesAreDrawnAsChoicesInARandomSearch() {
        let trials = SweepSampler.sample(ranges: [], choices: [.init(name: "booster", values: ["gbtree", "dart"])], trials: 200, seed: 1)
        XCTAssertEqual(Set(trials.compactMap { $0["booster"] }), ["gbtree", "dart"])
    }

    func testPlanOptionsAreCheckedAndRecorded() throws {
        func message(_ body: () throws -> SweepPlan?) -> String {
            do { _ = try body(); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertNil(try SweepPlan.parse(sweep: [], ranges: [], trials: nil, seed: nil, register: nil))
        XCTAssertTrue(message { try SweepPlan.parse(sweep: [], ranges: ["eta=0.1:0.3"], trials: nil, seed: nil, register: nil) }
            .contains("--param-range eta: a range is sampled at random; add --trials N"))
        XCTAssertTrue(message { try SweepPlan.parse(sweep: [], ranges: [], trials: 5, seed: nil, register: nil) }.contains("nothing to sample"))
        XCTAssertTrue(message { try SweepPlan.parse(sweep: [], ranges: ["eta=0.1:0.3"], trials: 0, seed: nil, register: nil) }.contains("--trials 0"))
        XCTAssertTrue(message { try SweepPlan.parse(sweep: ["eta=0.1,0.2"], ranges: ["eta=0.1:0.3"], trials: 3, seed: nil, register: nil) }
            .contains("param 'eta' is swept twice"))
        XCTAssertTrue(message { try SweepPlan.parse(sweep: ["eta=0.1"], ranges: [], trials: nil, seed: nil, register: "some") }
            .contains("--register 'some': expected best, all or none"))
        XCTAssertTrue(message { try SweepPlan.parse(sweep: ["eta="], ranges: [], trials: nil, seed: nil, register: nil) }.contains("--sweep"))

        let random = try XCTUnwrap(SweepPlan.parse(sweep: ["booster=gbtree,dart"], ranges: ["eta=0.01:0.3:log", "d=3:10:int"],
                                                   trials: 4, seed: nil, register: nil))
        XCTAssertEqual(random.seed, SweepSampler.defaultSeed)
        XCTAssertEqual(random.registration, .best)
        XCTAssertEqual(random.optionsText, "--sweep booster=gbtree,dart --trials 4 --param-range eta=0.01:0.3:log "
                       + "--param-range d=3:10:int --seed 42 --register best")
        XCTAssertEqual(random.combinations.count, 4)
        let grid = try XCTUnwrap(SweepPlan.parse(sweep: ["a=1,2", "b=x,y,z"], ranges: [], trials: nil, seed: nil, register: "all"))
        XCTAssertEqual(grid.combinations.count, 6)
        XCTAssertEqual(grid.optionsText, "--sweep a=1,2 --sweep b=x,y,z --register all")
    }
}
