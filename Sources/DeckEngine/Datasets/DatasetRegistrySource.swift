import DeckStore
import Foundation

/// The registry as a pipeline's ``DatasetSource``: `NAME`, `NAME@V`, `NAME@sha256:…` resolve to a
/// version and its materialized file.
public struct DatasetRegistrySource: DatasetSource {
    public let store: any DatasetStore

    public init(store: any DatasetStore) { self.store = store }

    public func resolve(_ reference: String) throws -> ResolvedDataset {
        let record: DatasetVersionRecord
        do {
            record = try store.datasetVersion(reference)
        } catch let error as DatasetError {
            throw DatasetSourceError.notFound(reference, detail: "\(error)")
        }
        let url = try DatasetMaterializer(store: store).path(for: record)
        return ResolvedDataset(name: record.dataset, versionNumber: record.number, contentHash: record.contentHash, path: url)
    }
}
