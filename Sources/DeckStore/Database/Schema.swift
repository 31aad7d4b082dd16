import GRDB

/// The versioned migrations of the workspace database.
///
/// Migrations are append-only: a released migration is never edited; a change is a new one.
/// A database that carries a migration this build does not know was written by a newer MLDeck
/// and is refused (see ``WorkspaceError/newerSchema(path:unknown:)``).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tracking", migrate: TrackingMigration.migrate)
        migrator.registerMigration("v2-datasets", migrate: DatasetsMigration.migrate)
        migrator.registerMigration("v3-models", migrate: ModelsMigration.migrate)
        migrator.registerMigration("v4-model-tags-deployments", migrate: ProductionRegistryMigration.migrate)
        migrator.registerMigration("v5-alerts", migrate: AlertsMigration.migrate)
        migrator.registerMigration("v6-trigger-runner", migrate: TriggerRunnerMigration.migrate)
        migrator.registerMigration("v7-experiment-state", migrate: ExperimentStateMigration.migrate)
        migrator.registerMigration("v8-lean-run-indexes", migrate: LeanRunIndexesMigration.migrate)
        migrator.registerMigration("v9-alert-notifications", migrate: AlertNotificationsMigration.migrate)
        migrator.registerMigration("v10-no-param-value-index", migrate: NoParamValueIndexMigration.migrate)
        migrator.registerMigration("v11-object-packs", migrate: ObjectPacksMigration.migrate)
        return migrator
    }
}
