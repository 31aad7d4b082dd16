import GRDB

/// Migration v9 (alert notifications): `alerts.notify_pending` holds the severity whose
/// `on_alert:` command has not run yet. It is set in the same transaction that opens or escalates
/// the alert and cleared once the command has run, so a process killed between the two leaves
/// the notification owed, and the next monitor pass (an agent, a dashboard or `mldeck monitor`)
/// runs it: delivery is at least once, never silently lost.
enum AlertNotificationsMigration {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE alerts ADD COLUMN notify_pending TEXT;
            CREATE INDEX alerts_notify_pending ON alerts(id) WHERE notify_pending IS NOT NULL;
            """)
    }
}
