import DeckStore
import Foundation

/// What a sweep runs: a grid of `--sweep` axes, or `--trials N` random draws from `--param-range`
/// ranges (and from the values of `--sweep` axes), plus which children register a model.
public struct SweepPlan: Sendable, Equatable {
    /// Which children of a sweep run their `register` step (and hence `deploy`).
    public enum Registration: String, Sendable, CaseIterable {
        /// Only the best child by the pipeline's metric (the default for sweeps).
        case best
        /// Every child, as a run of its own would.
        case all
        /// No child.
        case none
    }

    public var axes: [PipelineSweep.Axis]
    public var ranges: [ParamRange]
    /// Random search when set; a grid when nil.
    public var trials: Int?
    public var seed: UInt64
    public var registration: Registration

    public init(axes: [PipelineSweep.Axis], ranges: [ParamRange] = [], trials: Int? = nil,
                seed: UInt64 = SweepSampler.defaultSeed, registration: Registration = .best) {
        self.axes = axes; self.ranges = ranges; self.trials = trials; self.seed = seed; self.registration = registration
    }

    /// Parses and checks the sweep options of `mldeck run`; nil when none was given.
    public static func parse(sweep: [String], ranges: [String], trials: Int?, seed: UInt64?, register: String?) throws -> SweepPlan? {
        let axes = try sweep.map(PipelineSweep.Axis.parse)
        let parsed = try ranges.map(ParamRange.parse)
        var seen = Set<String>()
        for name in axes.map(\.name) + parsed.map(\.name) {
            guard seen.insert(name).inserted else { throw SweepError.duplicateKey(name) }
        }
        let registration = try register.map { text -> Registration in
            guard let r = Registration(rawValue: text.lowercased()) else {
                throw SweepError.malformed(option: "--register", text: text, expected: "best, all or none")
            }
            return r
        }
        if let trials {
            guard (1...SweepSampler.maxTrials).contains(trials) else {
                throw SweepError.trials("--trials \(trials): give a number of trials from 1 to \(SweepSampler.maxTrials)")
            }
            guard !axes.isEmpty || !parsed.isEmpty else {
                throw SweepError.trials("--trials \(trials): nothing to sample; add --param-range NAME=LOW:HIGH[:log|int] or --sweep NAME=V1,V2")
            }
        } else {
            if let range = parsed.first {
                throw SweepError.trials("--param-range \(range.name): a range is sampled at random; add --trials N (e.g. --trials 20)")
            }
            if seed != nil && !axes.isEmpty { throw SweepError.trials("--seed: a grid has no randomness; add --trials N for a random search") }
        }
        guard !axes.isEmpty || !parsed.isEmpty else {
            if seed != nil { throw SweepError.trials("--seed is for a random search (--trials N --param-range …)") }
            return nil
        }
        return SweepPlan(axes: axes, ranges: parsed, trials: trials, seed: seed ?? SweepSampler.defaultSeed,
                         registration: registration ?? .best)
    }

    /// The param sets of the children, in order.
    public var combinations: [[String: String]] {
        guard let trials else { return PipelineSweep.grid(axes) }
        return SweepSampler.sample(ranges: ranges, choices: axes, trials: trials, seed: seed)
    }

    /// Every sweep option as `mldeck run` takes it (recorded with the parent and each child).
    public var optionsText: String { options.map(ShellQuoting.quote).joined(separator: " ") }

    /// Every sweep option, as arguments of `mldeck run`.
    public var options: [String] {
        var parts: [String] = []
        for axis in axes { parts += ["--sweep", "\(axis.name)=\(axis.values.joined(separator: ","))"] }
        if let trials {
            parts += ["--trials", String(trials)]
            for range in ranges { parts += ["--param-range", range.text] }
            parts += ["--seed", String(seed)]
        }
        parts += ["--register", registration.rawValue]
        return parts
    }

    /// A one-line description: `grid of 4` or `20 random trials (seed 42)`.
    public var summary: String {
        trials.map { "\($0) random trial\($0 == 1 ? "" : "s") (seed \(seed))" } ?? "grid of \(combinations.count)"
    }
}
