import Foundation

/// What every store implementation shares: the workspace folder and the content-addressed object
/// store on disk (objects stay files under `.mldeck/objects/` whichever database holds the records).
public protocol StoreBase: AnyObject, Sendable {
    /// The workspace this store belongs to (run folders, logs, temporary files live under it).
    var workspace: Workspace { get }
    /// The object store that artifacts, dataset chunks and step caches point into.
    var objects: ObjectStore { get }
    /// True when every write throws ``WorkspaceError/readOnly(path:)``.
    var isReadOnly: Bool { get }
    /// Throws ``WorkspaceError/readOnly(path:)`` when the store was opened read-only.
    func requireWritable() throws
}

/// The whole workspace store: tracking, pipeline steps, datasets, models and alerts. DeckEngine, the
/// dashboard and the command line work against this (or one of its parts), never against the
/// SQLite implementation ``DeckStore`` itself, so a second implementation (PostgreSQL) plugs in.
/// The prediction log (its own database file) joins this composition when it has a protocol.
public typealias WorkspaceStore = TrackingStore & PipelineStepStore & DatasetStore & ModelStore & AlertStore
