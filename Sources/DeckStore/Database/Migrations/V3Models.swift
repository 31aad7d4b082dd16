import GRDB

/// Migration v3: the model registry (models, versions, aliases and their history).
enum ModelsMigration {
    static func migrate(_ db: Database) throws {
        // Filled in by the model registry.
    }
}
