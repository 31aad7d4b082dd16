import GRDB

/// Migration v1: experiments, runs, interned keys, params, tags, packed metric series, artifacts.
enum TrackingMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE experiments (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at REAL NOT NULL
            );
            CREATE TABLE keys (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                uuid TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                experiment_id INTEGER NOT NULL REFERENCES experiments(id),
                status TEXT NOT NULL,
                status_reason TEXT,
                start_time REAL NOT NULL,
                end_time REAL,
                exit_code INTEGER,
                exit_signal INTEGER,
                command TEXT,
                pipeline TEXT,
                deleted INTEGER NOT NULL DEFAULT 0,
                owner_pid INTEGER,
                owner_token TEXT,
                owner_host TEXT,
                heartbeat REAL,
                dataset_version TEXT,
                code_hash TEXT,
                git_commit TEXT,
                git_dirty INTEGER,
                parent_run_id INTEGER REFERENCES runs(id),
                trigger TEXT
            );
            CREATE INDEX runs_by_start ON runs(start_time);
            CREATE INDEX runs_by_status ON runs(status);
            CREATE INDEX runs_by_name ON runs(name);
            CREATE INDEX runs_by_parent ON runs(parent_run_id);
            CREATE TABLE params (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                key_id INTEGER NOT NULL REFERENCES keys(id),
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key_id)
            ) WITHOUT ROWID;
            CREATE INDEX params_by_value ON params(key_id, value);
            CREATE TABLE tags (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                key_id INTEGER NOT NULL REFERENCES keys(id),
                value TEXT NOT NULL,
                PRIMARY KEY (run_id, key_id)
            ) WITHOUT ROWID;
            CREATE TABLE metric_summary (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                key_id INTEGER NOT NULL REFERENCES keys(id),
                last REAL,              -- NULL when the value is NaN (SQLite cannot store NaN)
                last_step INTEGER NOT NULL,
                last_time REAL NOT NULL,
                min REAL,
                max REAL,
                count INTEGER NOT NULL,
                chunks INTEGER NOT NULL,
                PRIMARY KEY (run_id, key_id)
            ) WITHOUT ROWID;
            CREATE INDEX metric_summary_by_value ON metric_summary(key_id, last);
            CREATE TABLE metric_chunks (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                key_id INTEGER NOT NULL REFERENCES keys(id),
                seq INTEGER NOT NULL,
                count INTEGER NOT NULL,
                points BLOB NOT NULL,
                PRIMARY KEY (run_id, key_id, seq)
            );
            CREATE TABLE artifacts (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                path TEXT NOT NULL,
                object TEXT NOT NULL,
                size INTEGER NOT NULL,
                created_at REAL NOT NULL,
                PRIMARY KEY (run_id, path)
            ) WITHOUT ROWID;
            """)
    }
}
