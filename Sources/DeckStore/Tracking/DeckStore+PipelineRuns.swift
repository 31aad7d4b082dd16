import Foundation

extension DeckStore {
    /// The latest run of a pipeline (by start time), or nil when it never ran.
    public func lastRun(ofPipeline name: String) throws -> RunRecord? {
        let filter = "pipeline = '\(name.replacingOccurrences(of: "'", with: "''"))'"
        let newest = [RunOrder(field: FilterField(namespace: "attributes", name: "start_time"), descending: true)]
        return try listRuns(RunQuery(filter: filter, orderBy: newest, limit: 1)).first?.run
    }
}
