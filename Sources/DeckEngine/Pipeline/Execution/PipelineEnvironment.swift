import DeckStore
import Foundation

/// Where a pipeline run finds its configuration and data in a workspace.
public enum PipelineEnvironment {
    /// The dataset source of a workspace: the dataset registry for names (`churn`, `churn@3`)
    /// and plain files for paths (`data/churn.csv`).
    public static func datasetSource(for store: any DatasetStore) -> DatasetSource {
        WorkspaceDatasetSource(files: FileDatasetSource(root: store.workspace.root,
                                                        cacheDirectory: store.workspace.stateDirectory.appendingPathComponent("cache")),
                               registry: DatasetRegistrySource(store: store))
    }

    /// Reads and checks the shape of the workspace's `mldeck.yaml`.
    public static func loadConfig(_ workspace: Workspace) throws -> WorkspaceConfig {
        try loadConfig(at: workspace.configURL)
    }

    /// Reads and checks the shape of a config file.
    public static func loadConfig(at url: URL) throws -> WorkspaceConfig {
        let root = try ConfigLoader.load(url)
        return try PipelineSpecParser(file: url.path).parse(root)
    }
}
