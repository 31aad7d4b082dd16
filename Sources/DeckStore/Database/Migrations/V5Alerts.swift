import GRDB

/// Migration v5: alerts raised by monitors and the trigger runner.
///
/// `alerts`: kind (`drift`, `quality`, `run_failed`, `trigger_failed`), severity (`critical`,
/// `warning`, `info`), the model (or pipeline) and version it is about, the latest window in
/// words, a one-line message, the evidence (`features`: a JSON array of ``AlertFeature``),
/// the run it is about, created / last seen times and an occurrence count, the acknowledgement
/// (who, when, note) and the resolution (when, why). At most one open alert (`resolved_at` NULL)
/// per (kind, model, version): a partial unique index enforces what ``AlertStore`` promises.
enum AlertsMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('drift', 'quality', 'run_failed', 'trigger_failed')),
                severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
                model TEXT NOT NULL,
                version INTEGER,
                window_description TEXT NOT NULL,
                message TEXT NOT NULL,
                features TEXT NOT NULL,
                run_id TEXT,
                created_at REAL NOT NULL,
                last_seen_at REAL NOT NULL,
                occurrences INTEGER NOT NULL DEFAULT 1,
                acknowledged_by TEXT,
                acknowledged_at REAL,
                acknowledge_note TEXT,
                resolved_at REAL,
                resolved_reason TEXT
            );
            CREATE UNIQUE INDEX alerts_open_condition ON alerts(kind, model, IFNULL(version, 0)) WHERE resolved_at IS NULL;
            CREATE INDEX alerts_by_time ON alerts(created_at);
            """)
    }
}
