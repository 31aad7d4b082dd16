import GRDB

/// Migration v8: fewer index pages written per run (creating a run wrote ~29 pages, each a WAL
/// frame of two writes; see BENCHMARKS.md, issue 9).
///
/// - `runs_by_parent` only holds runs that have a parent: every lookup is `parent_run_id = ?`,
///   which SQLite knows implies `IS NOT NULL`, so a run without a parent (almost all of them)
///   no longer adds an entry.
/// - `runs_by_status` becomes `runs_active`: only RUNNING and QUEUED runs, the ones the reaper
///   looks for on every open (`status IN ('RUNNING','QUEUED')`, the same term, so SQLite uses
///   it). Finishing a run now removes one entry instead of moving it between two places. A
///   filter on a status is answered from the runs in start-time order, which the listing's
///   `ORDER BY` walks anyway.
enum LeanRunIndexesMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX runs_by_parent;
            CREATE INDEX runs_by_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;
            DROP INDEX runs_by_status;
            CREATE INDEX runs_active ON runs(status) WHERE status IN ('RUNNING','QUEUED');
            """)
    }
}
