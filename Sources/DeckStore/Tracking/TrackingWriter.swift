import Foundation
import GRDB

/// The tracking writes that can share one open write transaction (``GroupCommit``,
/// ``DeckStore/withTrackingWriter(_:)``): each is the body of the `DeckStore` method of the same
/// name, without its own transaction. Valid only inside the call that hands it out.
public struct TrackingWriter {
    let store: DeckStore
    let db: Database

    /// What a logging call needs to know of a run (one indexed row, no join): nil when no run has this id.
    public func loggableRun(exactID id: String) throws -> LoggableRun? {
        let statement = try db.cachedStatement(sql: "SELECT id, uuid, deleted, status, status_reason FROM runs WHERE uuid = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id.lowercased()]) else { return nil }
        let status: String = row[3]
        return LoggableRun(handle: RunHandle(rowID: row[0], id: row[1]), deleted: row[2], status: RunStatus(rawValue: status), statusReason: row[4])
    }

    /// See ``DeckStore/reviveRun(_:reasonPrefix:)``.
    @discardableResult
    public func reviveRun(_ run: RunHandle, reasonPrefix: String) throws -> Bool {
        try store.reviveRun(run, reasonPrefix: reasonPrefix, in: db)
    }

    /// See ``DeckStore/logMetrics(_:run:)``.
    public func logMetrics(_ points: [MetricPoint], run: RunHandle) throws {
        try store.appendMetrics(points, run: run, in: db)
    }

    /// See ``DeckStore/logParams(_:run:)``: throws ``TrackingError/paramChanged(run:key:old:new:)``.
    public func logParams(_ params: [String: String], run: RunHandle) throws {
        guard !params.isEmpty else { return }
        for key in params.keys { try DeckStore.validateKey(key) }
        try store.insertParams(params, run: run, in: db)
    }

    /// See ``DeckStore/setTags(_:run:)``.
    public func setTags(_ tags: [String: String], run: RunHandle) throws {
        guard !tags.isEmpty else { return }
        for key in tags.keys { try DeckStore.validateKey(key) }
        try store.upsertTags(tags, run: try store.row(of: run, in: db), in: db)
    }

    /// See ``DeckStore/renameRun(_:to:)``.
    public func renameRun(_ run: RunHandle, to name: String) throws {
        try store.renameRun(run, to: name, in: db)
    }

    /// See ``DeckStore/setParent(_:run:)``.
    @discardableResult
    public func setParent(_ parentID: String, run: RunHandle) throws -> Bool {
        try store.setParent(parentID, run: run, in: db)
    }

    /// See ``DeckStore/updateSource(command:gitCommit:run:)``.
    public func updateSource(command: String?, gitCommit: String?, run: RunHandle) throws {
        try store.updateSource(command: command, gitCommit: gitCommit, run: run, in: db)
    }
}

/// A run as ``TrackingWriter/loggableRun(exactID:)`` finds it.
public struct LoggableRun: Sendable {
    public var handle: RunHandle
    public var deleted: Bool
    /// nil when the stored status is not one MLDeck knows (a damaged record).
    public var status: RunStatus?
    public var statusReason: String?
}

extension DeckStore {
    /// Runs `body` with a ``TrackingWriter`` in one `BEGIN IMMEDIATE` transaction (commits on return).
    public func withTrackingWriter<T>(_ body: (TrackingWriter) throws -> T) throws -> T {
        try writeImmediate { db in try body(TrackingWriter(store: self, db: db)) }
    }
}
