import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension DeckStore {
    /// See ``DatasetStore/discardUnrecordedObjects(_:)``: the objects of a refused add, removed
    /// under the exclusive maintenance lock when no record references them.
    @discardableResult
    public func discardUnrecordedObjects(_ candidates: Set<ObjectID>) throws -> Int {
        guard !candidates.isEmpty, !isReadOnly,
              let lock = try MaintenanceLock.acquire(workspace, mode: .exclusive, wait: false) else { return 0 }
        defer { lock.release() }
        let refs = try ObjectReferences.collect(self)
        var removed = 0
        var folders = Set<String>()
        for id in candidates where refs.sources[id] == nil && objects.contains(id) {
            let path = objects.path(of: id)
            try objects.remove(id)
            folders.insert(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
            removed += 1
        }
        for folder in folders {
            let fd = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        }
        return removed
    }
}
