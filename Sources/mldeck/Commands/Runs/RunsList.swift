import ArgumentParser
import DeckEngine
import DeckStore

/// `mldeck runs list [--filter EXPR] [--order-by KEY [ASC|DESC]] [--limit N] [--columns …] [--json]`
struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List runs, filtered and ordered.",
        discussion: """
        Filters use MLflow's search syntax plus OR, NOT and parentheses:
          metrics.auc > 0.9 and params.max_depth = '6'
          (status = 'FAILED' or duration > 600) and not tags.note LIKE '%smoke%'
          params.eta IN ('0.1', '0.3')   start_time > '2026-11-01'   metrics.loss IS NULL
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, help: "A filter expression.") var filter: String?
    @Option(name: .customLong("order-by"), parsing: .upToNextOption, help: "Sort key(s): metrics.auc DESC, params.x, start_time …")
    var orderBy: [String] = []
    @Option(name: .long, help: "At most N runs (default \(RunsList.defaultLimit); 0 for all).") var limit: Int = RunsList.defaultLimit
    @Option(name: .long, help: "Skip the first N runs (for paging with --limit).") var offset: Int = 0
    @Option(name: .long, help: "Comma-separated columns: run_id,name,status,start_time,end_time,duration,experiment,pipeline,dataset,trigger,parent,metrics.X,params.X,tags.X")
    var columns: String?
    @Option(name: .long, help: "Only runs of this experiment.") var experiment: String?
    @Flag(name: .long, help: "Show deleted runs only.") var deleted = false
    @Flag(name: .customLong("all"), help: "Include deleted runs.") var includeDeleted = false

    /// A page a terminal can show; `--limit 0` lists every run.
    static let defaultLimit = 100

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all runs) or more, not \(limit)") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more, not \(offset)") }
    }

    func run() throws {
        let store = try global.openStore()
        if let experiment {
            let known = try store.experiments().map(\.name)
            guard known.contains(experiment) else {
                let hint = Suggestion.closest(to: experiment, in: known).map { "did you mean '\($0)'? " } ?? ""
                throw ValidationError("no experiment '\(experiment)'; \(hint)experiments: \(known.joined(separator: ", "))")
            }
        }
        let order = try RunOrder.parseList(orderBy.joined(separator: " "))
        let query = RunQuery(filter: filter, orderBy: order, limit: limit == 0 ? nil : limit, offset: offset, experiment: experiment,
                             deleted: deleted ? .only : (includeDeleted ? .include : .exclude))
        let rows = try store.listRuns(query)
        if output.json { return try JSONOutput.print(rows) }
        let chosen = columns.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? RunColumns.defaults(for: rows)
        try RunColumns.validate(chosen)
        var table = TextTable(headers: chosen.map(RunColumns.header))
        table.rightAligned = Set(chosen.indices.filter { RunColumns.isNumeric(chosen[$0]) })
        for row in rows { table.add(chosen.map { RunColumns.cell($0, row) }) }
        print(table.render())
        if rows.isEmpty { print("(no runs\(filter == nil ? "" : " match the filter"))") }
        if limit > 0 && rows.count == limit {
            let total = try store.countRuns(query)
            if total > offset + rows.count {
                print("(runs \(offset + 1)–\(offset + rows.count) of \(total); --offset \(offset + rows.count) for the next page, --limit 0 for all)")
            }
        }
    }
}
