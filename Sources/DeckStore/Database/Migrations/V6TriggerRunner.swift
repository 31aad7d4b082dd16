import GRDB

/// Migration v6 (triggers): the runner lease and the trigger firing state.
///
/// - `runner_lease`: at most one row (`name = 'runner'`): the process that runs the workspace's
///   triggers and monitors (an agent or a dashboard): its holder id, pid, start-time token, host,
///   when it took the lease, its last heartbeat and when the lease expires without one.
/// - `trigger_state`: per pipeline and trigger key, what the runner last saw (dataset version,
///   code hash, newest alert id, or the time a schedule was last checked) and its last firing.
/// - `trigger_firings`: every firing, recorded before its run starts: `pending` (waiting for its
///   debounce or for the pipeline's running triggered run), `launching`, `started` (with its run),
///   `finished` (with the run's final status). Firings of one trigger that arrive while one is
///   pending coalesce into it (`count`).
enum TriggerRunnerMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE runner_lease (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                role TEXT NOT NULL,
                pid INTEGER NOT NULL,
                token TEXT NOT NULL,
                host TEXT NOT NULL,
                acquired_at REAL NOT NULL,
                heartbeat_at REAL NOT NULL,
                expires_at REAL NOT NULL
            );
            CREATE TABLE trigger_state (
                pipeline TEXT NOT NULL,
                trigger_key TEXT NOT NULL,
                last_seen TEXT,
                checked_at REAL NOT NULL,
                last_fired_at REAL,
                last_reason TEXT,
                PRIMARY KEY (pipeline, trigger_key)
            ) WITHOUT ROWID;
            CREATE TABLE trigger_firings (
                id INTEGER PRIMARY KEY,
                pipeline TEXT NOT NULL,
                trigger_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                fired_at REAL NOT NULL,
                last_at REAL NOT NULL,
                due_at REAL NOT NULL,
                count INTEGER NOT NULL DEFAULT 1,
                status TEXT NOT NULL,
                run_id TEXT,
                started_at REAL,
                finished_at REAL,
                run_status TEXT,
                alerted INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX trigger_firings_open ON trigger_firings(pipeline, status) WHERE status != 'finished';
            CREATE INDEX trigger_firings_by_trigger ON trigger_firings(pipeline, trigger_key, id);
            """)
    }
}
