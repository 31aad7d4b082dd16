@testable import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Damages the store the way a disk or a person would, wherever an object lives (its loose file
/// or its range of a pack), for tests of what fsck, gc and readers do about it.
enum ObjectDamage {
    /// Overwrites the object's bytes at `offset` with `bytes` (within the object's length).
    static func overwrite(_ id: ObjectID, in objects: ObjectStore, at offset: UInt64, with bytes: Data) throws {
        let (path, start): (String, UInt64)
        if let packed = objects.packs.locate(PackKey(id), rescan: true) { (path, start) = (packed.pack, packed.offset) } else { (path, start) = (objects.path(of: id), 0) }
        chmod(path, 0o644)
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw ObjectStoreError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(start + offset)) }
    }

    /// Removes the object wherever it is stored.
    static func remove(_ id: ObjectID, from objects: ObjectStore) throws {
        try objects.removeObjects([id])
    }

    /// Moves a packed object out to a loose file, as an MLDeck before packs stored it.
    static func unpack(_ id: ObjectID, in objects: ObjectStore) throws {
        let bytes = try objects.read(id)
        try objects.put(bytes)
        _ = try PackPruner(store: objects).prune(isGarbage: { $0 == id }, grace: 0, now: Date().timeIntervalSince1970, dryRun: false)
    }
}
