import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension ObjectStore {
    /// Reads and verifies a packed object; nil when its pack has gone (removed by `gc` since it
    /// was looked up — the caller looks again).
    func readPacked(_ id: ObjectID, at location: PackLocation) throws -> Data? {
        let handle: PackHandle
        if let open = location.open {
            handle = open
        } else {
            let fd = open(location.pack, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                if errno == ENOENT { return nil }
                if errno == ELOOP { throw ObjectStoreError.notAFile(id, path: location.pack) }
                throw ObjectStoreError.io(path: location.pack, operation: "open", errno: errno)
            }
            handle = PackHandle(fd: fd)
        }
        var info = stat()
        guard fstat(handle.fd, &info) == 0 else { throw ObjectStoreError.io(path: location.pack, operation: "stat", errno: errno) }
        // Something planted in the pack's place (a FIFO, a device) is refused, never read or waited on.
        guard info.st_mode & S_IFMT == S_IFREG else { throw ObjectStoreError.notAFile(id, path: location.pack) }
        let (end, overflow) = location.offset.addingReportingOverflow(location.length)
        guard !overflow, end <= UInt64(max(0, info.st_size)) else {
            throw ObjectStoreError.damagedPack(id, path: location.pack,
                                               reason: "its index says bytes \(location.offset)..<\(end), the pack has \(info.st_size)")
        }
        var data = Data(count: Int(location.length))
        let complete = data.withUnsafeMutableBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = pread(handle.fd, raw.baseAddress! + done, raw.count - done, off_t(location.offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        guard complete else { throw ObjectStoreError.io(path: location.pack, operation: "read", errno: errno == 0 ? EIO : errno) }
        let actual = ObjectID.of(data)
        guard actual == id else { throw ObjectStoreError.corrupt(id, path: "\(location.pack) at byte \(location.offset)", actual: actual) }
        return data
    }
}

extension ObjectStore {
    /// Removes these objects wherever they are stored — loose files, and packed objects by
    /// rewriting their packs (``PackPruner``) — and fsyncs the folders. Returns how many were
    /// removed. For orphans only: call it under the exclusive maintenance lock.
    @discardableResult
    public func removeObjects(_ ids: Set<ObjectID>) throws -> Int {
        if readOnly { throw ObjectStoreError.readOnly(path: root.path) }
        var removed = 0
        var folders = Set<String>()
        for id in ids where access(path(of: id), F_OK) == 0 {
            let path = path(of: id)
            try remove(id)
            folders.insert(String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
            removed += 1
        }
        for folder in folders { try PackWriter.syncFolder(folder) }
        let packed = try PackPruner(store: self).prune(isGarbage: ids.contains, grace: 0, now: Date().timeIntervalSince1970, dryRun: false)
        return removed + packed.removedObjects
    }
}
