import Foundation

extension DeckStore {
    /// See ``DatasetStore/discardUnrecordedObjects(_:)``: the objects of a refused add, removed
    /// under the exclusive maintenance lock when no record references them.
    @discardableResult
    public func discardUnrecordedObjects(_ candidates: Set<ObjectID>) throws -> Int {
        guard !candidates.isEmpty, !isReadOnly,
              let lock = try MaintenanceLock.acquire(workspace, mode: .exclusive, wait: false) else { return 0 }
        defer { lock.release() }
        let refs = try ObjectReferences.collect(self)
        return try objects.removeObjects(candidates.filter { refs.sources[$0] == nil })
    }
}
