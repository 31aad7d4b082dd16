import GRDB

/// Migration v2: the dataset registry (datasets, versions, their tags and the objects they reference).
///
/// - `datasets`: one row per name; `next_number` keeps version numbers from being reused after `rm`.
/// - `dataset_versions`: one row per version, written in the same transaction as its tags and
///   object list, after the objects are durable. `content_hash` is the id of the version's root
///   object (single object, recipe or manifest: `content_kind`); `profile` is DeckML's
///   `TableProfile` JSON for tables.
/// - `dataset_version_objects`: every object a version references (chunks, recipes, manifest), for
///   `fsck`, `gc` and stored-size accounting.
enum DatasetsMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE datasets (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at REAL NOT NULL,
                next_number INTEGER NOT NULL DEFAULT 1
            );
            CREATE TABLE dataset_versions (
                id INTEGER PRIMARY KEY,
                dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                content_hash TEXT NOT NULL,
                content_kind TEXT NOT NULL,
                parent_number INTEGER,
                message TEXT NOT NULL DEFAULT '',
                author TEXT NOT NULL,
                created_at REAL NOT NULL,
                source_path TEXT NOT NULL,
                format TEXT NOT NULL,
                logical_bytes INTEGER NOT NULL,
                stored_bytes INTEGER NOT NULL,
                object_count INTEGER NOT NULL,
                chunk_count INTEGER NOT NULL,
                file_count INTEGER NOT NULL,
                row_count INTEGER,
                column_count INTEGER,
                schema TEXT,
                profile TEXT,
                key_columns TEXT NOT NULL DEFAULT '[]',
                na_tokens TEXT NOT NULL DEFAULT '[]',
                skipped_rows INTEGER,
                skipped TEXT,
                UNIQUE (dataset_id, number)
            );
            CREATE INDEX dataset_versions_by_hash ON dataset_versions(content_hash);
            CREATE TABLE dataset_version_tags (
                version_id INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (version_id, key)
            ) WITHOUT ROWID;
            CREATE TABLE dataset_version_objects (
                version_id INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
                object TEXT NOT NULL,
                size INTEGER NOT NULL,
                PRIMARY KEY (version_id, object)
            ) WITHOUT ROWID;
            """)
    }
}
