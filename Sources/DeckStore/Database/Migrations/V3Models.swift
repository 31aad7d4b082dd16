import GRDB

/// Migration v3: the model registry (models, versions, aliases and their history) and the
/// pipeline tables (step states of pipeline runs, the step cache).
///
/// `model_versions` keeps the objects it points to in `model_object`, `preprocessing_object` and
/// `reference_object` (SHA-256 hex), which `mldeck fsck` / `gc` read; a version row is inserted only
/// after those objects are durable.
enum ModelsMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE models (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                description TEXT,
                created_at REAL NOT NULL
            );
            CREATE TABLE model_versions (
                id INTEGER PRIMARY KEY,
                model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                created_at REAL NOT NULL,
                run_id TEXT,
                task TEXT,
                framework TEXT NOT NULL,
                model_object TEXT NOT NULL,
                preprocessing_object TEXT,
                reference_object TEXT,
                signature TEXT NOT NULL DEFAULT '[]',
                metrics TEXT NOT NULL DEFAULT '{}',
                params TEXT NOT NULL DEFAULT '{}',
                dataset_name TEXT,
                dataset_version_number INTEGER,
                dataset_hash TEXT,
                code_hash TEXT,
                description TEXT,
                UNIQUE (model_id, version)
            );
            CREATE INDEX model_versions_by_run ON model_versions(run_id);
            CREATE TABLE model_aliases (
                model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                alias TEXT NOT NULL,
                version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
                updated_at REAL NOT NULL,
                PRIMARY KEY (model_id, alias)
            ) WITHOUT ROWID;
            CREATE TABLE alias_history (
                id INTEGER PRIMARY KEY,
                model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                alias TEXT NOT NULL,
                from_version INTEGER,
                to_version INTEGER,
                time REAL NOT NULL,
                author TEXT NOT NULL,
                reason TEXT
            );
            CREATE INDEX alias_history_by_model ON alias_history(model_id, alias, time);
            CREATE TABLE run_steps (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                start_time REAL,
                end_time REAL,
                cache_hit INTEGER NOT NULL DEFAULT 0,
                cache_key TEXT,
                reason TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                progress REAL,
                PRIMARY KEY (run_id, name)
            ) WITHOUT ROWID;
            CREATE TABLE step_cache (
                key TEXT PRIMARY KEY,
                manifest_object TEXT NOT NULL,
                pipeline TEXT,
                step TEXT,
                run_id TEXT,
                created_at REAL NOT NULL
            ) WITHOUT ROWID;
            """)
    }
}
