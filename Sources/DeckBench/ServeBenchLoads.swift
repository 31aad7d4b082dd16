import DeckStore
import Foundation

/// The serve suite's loads beyond plain throughput: the shadow's cost to the primary's p99 and a
/// hot swap under load (both single-row JSON, 16 connections, as the plain runs).
struct ServeBenchLoads {
    let wrk: String
    let script: String
    let seconds: Int
    let repeats: Int
    let suite: String

    /// Pairs of runs for the shadow's ratio: at least 5, because on this
    /// machine the p99 of one 20 s run moves by ±10 % from the next, as much as the cost measured.
    var shadowPairs: Int { max(5, repeats) }

    /// Alternates wrk runs between `primary` (no shadow) and a second server started with
    /// `--shadow staging` (warmed up first, as the primary was by the loads before), so both see
    /// the same machine. Each pair's runs are adjacent and their order alternates (off then on, on
    /// then off), so a machine that speeds up or slows down over the pairs favours neither side;
    /// the median of the pairs' p99 ratios is the shadow's cost (issue 11: the shadow never slows
    /// the primary, p99 within 1.1×).
    func shadow(primary: ServeBenchServer, workspace: URL, log: (String) -> Void) throws -> [BenchFigure] {
        log("starting mldeck serve churn-model@production --shadow staging…")
        let shadowed = try ServeBenchServer(workspace: workspace, extra: ["--shadow", "staging"])
        defer { shadowed.stop() }
        log("warming it up: 1-row JSON, 16 connections, 2 s…")
        _ = try ServeBenchWrk.run(wrk, script: script, url: shadowed.address + "/invocations", seconds: 2)
        let scoredBefore = shadowed.metric("mldeck_serve_shadow_rows_total{outcome=\"scored\"}")
        let droppedBefore = shadowed.metric("mldeck_serve_shadow_rows_total{outcome=\"dropped\"}")
        var off: [ServeBenchWrk.Result] = [], on: [ServeBenchWrk.Result] = [], ratios: [Double] = []
        for k in 1...shadowPairs {
            let offFirst = k % 2 == 1
            log("shadow \(offFirst ? "off, then on" : "on, then off"): 1-row JSON, 16 connections, \(seconds) s each (\(k) of \(shadowPairs))…")
            let servers = offFirst ? [primary, shadowed] : [shadowed, primary]
            let first = try ServeBenchWrk.run(wrk, script: script, url: servers[0].address + "/invocations", seconds: seconds)
            let second = try ServeBenchWrk.run(wrk, script: script, url: servers[1].address + "/invocations", seconds: seconds)
            let (without, with) = offFirst ? (first, second) : (second, first)
            off.append(without); on.append(with)
            if without.p99 > 0 { ratios.append(with.p99 / without.p99) }
        }
        let p99Off = BenchClock.median(off.map(\.p99)) * 1000, p99On = BenchClock.median(on.map(\.p99)) * 1000
        let errors = (off + on).reduce(0) { $0 + $1.non2xx + $1.socketErrors }
        let scored = shadowed.metric("mldeck_serve_shadow_rows_total{outcome=\"scored\"}") - scoredBefore
        let dropped = shadowed.metric("mldeck_serve_shadow_rows_total{outcome=\"dropped\"}") - droppedBefore
        let conditions = "\(shadowPairs) pairs of \(seconds) s runs, shadow off / on adjacent, 16 connections, logging on; "
            + "\(errors) non-2xx or socket errors"
        let pairRatios = ratios.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        return [
            BenchFigure(suite: suite, name: "single_row_shadow_p99_ms", value: p99On, unit: "ms", target: nil, better: .lower,
                        note: "with --shadow staging, median of its runs (without: \(Self.fixed(p99Off)) ms); " + conditions),
            BenchFigure(suite: suite, name: "shadow_p99_ratio", value: BenchClock.median(ratios), unit: "×", target: 1.1,
                        better: .lower, note: "p99 with the shadow ÷ p99 without, median of the pairs' ratios (\(pairRatios)); " + conditions),
            BenchFigure(suite: suite, name: "shadow_rows_scored_share", value: scored + dropped > 0 ? scored / (scored + dropped) : .nan,
                        unit: "share", target: nil, better: .higher,
                        note: "rows the shadow scored of those it was handed in the pairs' runs (\(Int64(scored.isFinite ? scored : 0)) scored, "
                            + "\(Int64(dropped.isFinite ? dropped : 0)) dropped: at SCHED_IDLE, 2 ms of each 20 ms round unless nothing preempts it, so under a load that keeps both cores busy its inbox fills and it scores a sample)"),
        ]
    }

    /// One single-row wrk run while `production` moves 3 times (2, 1, 2, spread over the run):
    /// every request must be answered 2xx.
    func hotSwap(server: ServeBenchServer, workspace: URL, log: (String) -> Void) throws -> [BenchFigure] {
        log("hot swap: 1-row JSON, 16 connections, \(seconds) s while production moves 3 times…")
        let store = try DeckStore.open(try Workspace.locate(from: workspace, explicit: workspace.path))
        let moved = LockedText()
        let moves = Thread { [seconds] in
            for version in [2, 1, 2] {   // at 1/4, 2/4 and 3/4 of the run
                Thread.sleep(forTimeInterval: Double(seconds) / 4)
                if (try? store.setModelAlias(model: "churn-model", alias: "production", version: version, author: "mldeck bench",
                                             reason: "hot swap under load", runID: nil)) != nil { moved.append("\(version)") }
            }
        }
        moves.start()
        let result = try ServeBenchWrk.run(wrk, script: script, url: server.address + "/invocations", seconds: seconds)
        while !moves.isFinished { Thread.sleep(forTimeInterval: 0.05) }
        guard moved.text.count == 3 else { throw ServeBenchError("hot swap: production moved \(moved.text.count) times of 3") }
        return [BenchFigure(suite: suite, name: "hot_swap_failed_requests", value: Double(result.non2xx + result.socketErrors), unit: "requests",
                            target: 0, better: .lower,
                            note: "non-2xx and socket errors of \(Int64(result.requestsPerSecond * Double(seconds))) requests in \(seconds) s, "
                                + "16 connections, while production moved 3 times (to 2, 1, 2); p99 "
                                + "\(Self.fixed(result.p99 * 1000)) ms")]
    }

    static func fixed(_ value: Double) -> String { String(format: "%.2f", value) }
}
