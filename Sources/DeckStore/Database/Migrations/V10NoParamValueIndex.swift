import GRDB

/// Migration v10: `params_by_value` goes. Creating a run wrote one page of it per param key (the
/// index is ordered by key first, so ten params touch ten leaves), 10 of the ~22 WAL frames a run
/// with 10 params and 5 metrics cost, and a third of run-creation time (issue 9's 5,000 runs/s).
///
/// What it served: walking the runs in the order of one param (`ORDER BY params.X`). Param filters
/// never used it (they look a run's value up by the `(run_id, key_id)` key). Ordering by a param
/// now sorts the matching runs instead: on 100,000 runs, first page of 50, ~0.2 s instead of
/// ~0.03 s (BENCHMARKS.md, issue 9) — rare next to run creation, and off the dashboard's UI
/// thread. `metric_summary_by_value` stays: ordering and ranging by a metric is the common case
/// ("best by auc") and walks it.
enum NoParamValueIndexMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX params_by_value")
    }
}
