import GRDB

/// Migration v5: what MLflow keeps on an experiment besides its name (`mldeck server`):
/// soft deletion (`experiments.deleted`, MLflow's lifecycle stage) and free key/value tags
/// (`experiment_tags`, MLflow's `set_experiment_tag`).
enum ExperimentStateMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE experiments ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE experiment_tags (
                experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (experiment_id, key)
            ) WITHOUT ROWID;
            """)
    }
}
