import Foundation

// Times in every JSON output are ISO 8601 in UTC (`2026-11-28T18:35:54.120Z`), as runs and
// models already were; the records keep seconds since 1970 in memory and in the store. Nothing
// decodes these types from JSON, so only their encoding changes.

extension ExperimentSummary {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(JSONTime.encode(createdAt), forKey: .createdAt)
        try c.encode(runs, forKey: .runs)
        try c.encode(running, forKey: .running)
        try c.encodeIfPresent(lastRunStart.map(JSONTime.encode), forKey: .lastRunStart)
    }
}

extension SeriesPoint {
    enum OutputKeys: String, CodingKey { case step, value, timestamp }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: OutputKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(value, forKey: .value)
        try c.encode(JSONTime.encode(timestamp), forKey: .timestamp)
    }
}

extension DatasetSummary {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(JSONTime.encode(createdAt), forKey: .createdAt)
        try c.encode(versionCount, forKey: .versionCount)
        try c.encode(storedBytes, forKey: .storedBytes)
        try c.encodeIfPresent(latest, forKey: .latest)
    }
}

extension DatasetVersionRecord {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(number, forKey: .number)
        try c.encode(contentHash, forKey: .contentHash)
        try c.encode(contentKind, forKey: .contentKind)
        try c.encodeIfPresent(parent, forKey: .parent)
        try c.encode(message, forKey: .message)
        try c.encode(tags, forKey: .tags)
        try c.encode(author, forKey: .author)
        try c.encode(JSONTime.encode(createdAt), forKey: .createdAt)
        try c.encode(sourcePath, forKey: .sourcePath)
        try c.encode(format, forKey: .format)
        try c.encode(logicalBytes, forKey: .logicalBytes)
        try c.encode(storedBytes, forKey: .storedBytes)
        try c.encode(objectCount, forKey: .objectCount)
        try c.encode(chunkCount, forKey: .chunkCount)
        try c.encode(fileCount, forKey: .fileCount)
        try c.encodeIfPresent(rows, forKey: .rows)
        try c.encodeIfPresent(columns, forKey: .columns)
        try c.encodeIfPresent(schema, forKey: .schema)
        try c.encode(keyColumns, forKey: .keyColumns)
        try c.encode(naTokens, forKey: .naTokens)
        try c.encodeIfPresent(skippedRows, forKey: .skippedRows)
    }
}
