import GRDB

/// Migration v4: what the production pipeline needs in the model registry.
///
/// - `model_version_tags`: free key/value tags on a model version (`mldeck models tag`), which
///   `--where` / `select`'s `where:` filter on as `tags.KEY`.
/// - `deployments`: every period during which an alias served a version: which model, version and
///   alias, from when (`started_at`) to when (`ended_at`, NULL while it lasts), on which address
///   (NULL when no running server is bound to it: the alias pointed at it), and who made it (the
///   run that deployed it, or the person who moved the alias). Rows are only ever inserted and
///   then closed once; a move of a served alias closes the open rows and opens new ones in the same
///   transaction as the move. An existing `production` alias becomes an open deployment from
///   its last move, so a workspace made before this migration starts with its current deployment.
enum ProductionRegistryMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE model_version_tags (
                version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (version_id, key)
            ) WITHOUT ROWID;
            CREATE TABLE deployments (
                id INTEGER PRIMARY KEY,
                model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                alias TEXT NOT NULL,
                started_at REAL NOT NULL,
                ended_at REAL,
                address TEXT,
                run_id TEXT,
                author TEXT NOT NULL,
                reason TEXT
            );
            CREATE INDEX deployments_by_model ON deployments(model_id, alias, started_at);
            CREATE INDEX deployments_open ON deployments(model_id, alias) WHERE ended_at IS NULL;
            INSERT INTO deployments(model_id, version, alias, started_at, author, reason)
                SELECT a.model_id, v.version, a.alias, a.updated_at, 'mldeck', 'production when deployments began to be recorded'
                FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.alias = 'production';
            """)
    }
}
