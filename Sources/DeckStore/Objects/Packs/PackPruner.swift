import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Removes objects from packs (`mldeck gc`, and the objects of a refused add). A pack whose every
/// object goes is deleted; otherwise the objects it keeps are read back (verified) into a new pack,
/// which is committed before the old pack is deleted, so a crash at any point leaves each kept
/// object in at least one committed pack. Run it under the exclusive maintenance lock: no add may
/// be deciding, meanwhile, that these objects are already stored.
struct PackPruner {
    let store: ObjectStore

    /// What pruning removed and what it kept because the pack is too young.
    struct Outcome {
        var removedObjects = 0
        var removedBytes: Int64 = 0
        var keptRecent = 0
    }

    /// Removes from every pack the objects `isGarbage` says to remove. Packs modified less than
    /// `grace` seconds before `now` are left alone (their garbage is counted as kept).
    ///
    /// A pack whose index fails its checksum is left alone (a flipped digest would make a kept
    /// object look like garbage; `fsck` reports the index). Packs with nothing left go first; a
    /// pack that cannot be rewritten (disk full, a kept object corrupt) is left as it was while
    /// the others are pruned, and the first such error is thrown at the end.
    func prune(isGarbage: (ObjectID) -> Bool, grace: Double, now: Double, dryRun: Bool) throws -> Outcome {
        var outcome = Outcome()
        var firstError: Error?
        let plans = store.packs.committedPacks().compactMap { pack -> (name: String, kept: [(key: PackKey, offset: UInt64, length: UInt64)], doomed: [(key: PackKey, offset: UInt64, length: UInt64)])? in
            let entries = pack.index.entries()
            let doomed = entries.filter { isGarbage($0.key.objectID) }
            guard !doomed.isEmpty, pack.index.isIntact() else { return nil }
            let doomedKeys = Set(doomed.map(\.key))
            return (pack.name, entries.filter { !doomedKeys.contains($0.key) }, doomed)
        }.sorted { $0.kept.count < $1.kept.count }
        for plan in plans {
            if now - StoreChecker.modificationTime(store.packs.packPath(plan.name)) < grace { outcome.keptRecent += plan.doomed.count; continue }
            if !dryRun {
                do { try rewrite(plan.name, keeping: plan.kept) } catch { firstError = firstError ?? error; continue }
            }
            outcome.removedObjects += plan.doomed.count
            outcome.removedBytes += plan.doomed.reduce(Int64(0)) { $0 + Int64($1.length) }
        }
        if let firstError { throw firstError }
        return outcome
    }

    /// Replaces pack `name` by a pack of `kept` (none: no new pack).
    private func rewrite(_ name: String, keeping kept: [(key: PackKey, offset: UInt64, length: UInt64)]) throws {
        let packPath = store.packs.packPath(name)
        if !kept.isEmpty {
            let writer = PackWriter(store: store)
            for entry in kept {
                let id = entry.key.objectID
                let location = PackLocation(pack: packPath, offset: entry.offset, length: entry.length)
                guard let data = try store.readPacked(id, at: location) else { throw ObjectStoreError.missing(id, path: packPath) }
                _ = try data.withUnsafeBytes { try writer.put($0, as: id, deduplicate: false) }
            }
            try writer.commit()
        }
        // The pack's data first: from then on no reader uses the old pack (an index without its
        // pack is ignored; a reader that looked it up before lists the folder again).
        if unlink(packPath) != 0 && errno != ENOENT { throw ObjectStoreError.io(path: packPath, operation: "unlink", errno: errno) }
        store.packs.forget(name: name)
        let indexPath = store.packs.indexPath(name)
        if unlink(indexPath) != 0 && errno != ENOENT { throw ObjectStoreError.io(path: indexPath, operation: "unlink", errno: errno) }
        try PackWriter.syncFolder(store.packs.folder)
    }
}
