import Foundation
import GRDB
import GRDBSQLite

/// Checkpoints a database's WAL (the workspace database's, the prediction log's) on a queue and
/// connection of its own, so the writer does not wait for a checkpoint's copying and its two
/// `fdatasync`s. With SQLite's own
/// auto-checkpoint the commit that crossed 1,000 WAL pages ran the checkpoint before returning: a
/// quarter of the wall time of creating runs one transaction each (issue 9, `create_runs_per_s`).
///
/// Durability is unchanged (see "Durability choice" on ``DeckStore``): a checkpoint still starts
/// once the WAL holds ``autocheckpointPages`` pages (``DeckStore/walAutocheckpointPages`` for the
/// workspace database), and it syncs the WAL before
/// copying and the database after, as before; only the thread that waits for it differs. When
/// checkpoints fall behind a writer — the WAL past ``backPressurePages`` — the committing writer
/// checkpoints itself, as SQLite's auto-checkpoint would, so the WAL stays bounded (except while
/// a reader's snapshot or another connection's checkpoint keeps pages from being copied, as with
/// SQLite's own auto-checkpoint).
///
/// The writer's auto-checkpoint is replaced by a WAL hook (``install(on:)``; SQLite's
/// auto-checkpoint is itself a WAL hook). A checkpoint another connection or process runs at the
/// same time makes this one return `SQLITE_BUSY`, which is fine: somebody is checkpointing.
/// `kill -9` in the middle of a checkpoint is safe (SQLite's design: the WAL stays the truth until
/// the copy is synced).
///
/// `@unchecked Sendable`: `connection` is used only on `queue`; `scheduled` and `closed` only
/// under `lock`.
final class WALCheckpointer: @unchecked Sendable {
    /// WAL pages that make a commit queue a checkpoint.
    let autocheckpointPages: Int
    /// WAL pages past which the writer checkpoints itself (8 × ``autocheckpointPages``).
    var backPressurePages: Int { 8 * autocheckpointPages }

    private let path: String
    private let queue = DispatchQueue(label: "mldeck.wal-checkpoint", qos: .utility)
    private let lock = NSLock()
    private var scheduled = false
    private var closed = false
    private var connection: OpaquePointer?

    /// Checkpoints the database at `path` (the writer's file name) every `autocheckpointPages` WAL pages.
    init(path: String, autocheckpointPages: Int = DeckStore.walAutocheckpointPages) {
        self.path = path; self.autocheckpointPages = max(1, autocheckpointPages)
    }

    /// Closes the checkpointing connection if ``close()`` never ran (an open that failed after a
    /// commit had queued a checkpoint). No queued work is left by then: it holds a reference.
    deinit {
        if let connection { sqlite3_close_v2(connection) }
    }

    /// Makes the writer connection `db` hand its checkpoints to this checkpointer.
    func install(on db: Database) {
        // The hook's context outlives the connection whatever the order of teardown: a retained
        // box with a weak reference (one small allocation per writer connection, never freed).
        let box = Unmanaged.passRetained(WeakCheckpointer(self)).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, writer, _, pages in
            guard let context else { return SQLITE_OK }
            Unmanaged<WeakCheckpointer>.fromOpaque(context).takeUnretainedValue().checkpointer?.committed(pages: Int(pages), writer: writer)
            return SQLITE_OK
        }, box)
    }

    /// Called by the writer after each commit with the WAL's size in pages.
    private func committed(pages: Int, writer: OpaquePointer?) {
        guard pages >= autocheckpointPages else { return }
        if pages >= backPressurePages {
            _ = sqlite3_wal_checkpoint_v2(writer, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            return
        }
        lock.lock()
        defer { lock.unlock() }
        guard !scheduled, !closed else { return }
        scheduled = true
        queue.async { self.checkpoint() }
    }

    private func checkpoint() {
        lock.lock()
        // Cleared first: a commit during this checkpoint queues the next one, which copies the
        // pages written meanwhile (the WAL restarts only once every page is copied).
        scheduled = false
        lock.unlock()
        // Runs even after `close()` began: a checkpoint already due (a short command that crossed
        // 1,000 pages just before it ended) is done before the connection closes, not dropped.
        guard let db = openConnection() else { return }
        _ = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    /// The checkpointing connection, opened on first use (most processes never need it).
    private func openConnection() -> OpaquePointer? {
        if let connection { return connection }
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            sqlite3_close_v2(db)
            return nil
        }
        // The writer's level: a checkpoint syncs the WAL before copying and the database after.
        sqlite3_exec(db, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        connection = db
        return db
    }

    /// Waits until no checkpoint is queued or running (tests that count WAL pages).
    func drain() { queue.sync {} }

    /// Holds queued checkpoints back until ``resumeQueue()`` (tests of what `close()` does to them).
    func suspendQueue() { queue.suspend() }
    func resumeQueue() { queue.resume() }

    /// Stops scheduling checkpoints and closes the connection once the queued one (if any) ran.
    func close() {
        lock.lock()
        closed = true
        lock.unlock()
        queue.sync {
            if let connection { sqlite3_close_v2(connection) }
            connection = nil
        }
    }
}

/// The WAL hook's context: a weak reference, so the hook never reaches a freed checkpointer.
private final class WeakCheckpointer {
    weak var checkpointer: WALCheckpointer?
    init(_ checkpointer: WALCheckpointer) { self.checkpointer = checkpointer }
}
