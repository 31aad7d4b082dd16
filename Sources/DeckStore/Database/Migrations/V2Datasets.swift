import GRDB

/// Migration v2: the dataset registry (datasets, versions, chunks, tags).
enum DatasetsMigration {
    static func migrate(_ db: Database) throws {
        // Filled in by the dataset registry.
    }
}
