/// The SQLite implementation of every store protocol (the methods are in the `DeckStore+…` files
/// of each area; SQL, GRDB and SQLite-only features such as `PRAGMA data_version` stay there).
extension DeckStore: TrackingStore, PipelineStepStore, DatasetStore, ModelStore, AlertStore, TriggerStore {}
