import DeckStore
import Foundation

extension InMemoryStore: DatasetStore {
    public func datasets() throws -> [DatasetSummary] {
        locked {
            datasetCreated.keys.sorted().map { name in
                let versions = datasetVersionsByName[name] ?? []
                return DatasetSummary(name: name, createdAt: datasetCreated[name] ?? 0, versionCount: versions.count,
                                      storedBytes: versions.reduce(0) { $0 + $1.storedBytes }, latest: versions.last)
            }
        }
    }

    public func datasetVersions(_ name: String, includeProfiles: Bool) throws -> [DatasetVersionRecord] {
        try DatasetName.validate(name)
        return try locked {
            guard let versions = datasetVersionsByName[name] else { throw DatasetError.datasetNotFound(name) }
            return includeProfiles ? versions : versions.map { var v = $0; v.profileJSON = nil; return v }
        }
    }

    public func datasetVersion(_ reference: DatasetReference) throws -> DatasetVersionRecord {
        try locked {
            guard let versions = datasetVersionsByName[reference.name] else { throw DatasetError.datasetNotFound(reference.name) }
            let found: [DatasetVersionRecord]
            switch reference.selector {
            case .latest: found = versions.last.map { [$0] } ?? []
            case .number(let n): found = versions.filter { $0.number == n }
            case .hashPrefix(let prefix): found = versions.filter { $0.contentHash.hasPrefix(prefix) }
            }
            if found.count > 1 { throw DatasetError.ambiguousHash(reference: reference.description, matches: found.map(\.number)) }
            guard let version = found.first else { throw DatasetError.versionNotFound(reference.description) }
            return version
        }
    }

    public func latestDatasetVersion(named name: String) throws -> DatasetVersionRecord? {
        locked { datasetVersionsByName[name]?.last }
    }

    public func recordDatasetVersion(_ draft: DatasetVersionDraft, force: Bool) throws -> DatasetRecordOutcome {
        try DatasetName.validate(draft.name)
        return locked {
            let latest = datasetVersionsByName[draft.name]?.last
            if let latest, latest.contentHash == draft.content.contentHash.hex, !force { return .unchanged(latest: latest) }
            if datasetCreated[draft.name] == nil { datasetCreated[draft.name] = draft.createdAt }
            let number = datasetNext[draft.name] ?? 1
            datasetNext[draft.name] = number + 1
            let record = DatasetVersionRecord(draft: draft, number: number, parent: latest?.number)
            datasetVersionsByName[draft.name, default: []].append(record)
            datasetObjects[record.reference] = Set(draft.content.objects.keys).union([draft.content.contentHash])
            return .recorded(record)
        }
    }

    public func setDatasetTags(_ reference: DatasetReference, set: [String: String], remove: [String]) throws -> DatasetVersionRecord {
        try locked {
            let version = try datasetVersion(reference)
            guard let i = datasetVersionsByName[version.dataset]?.firstIndex(where: { $0.number == version.number }) else {
                throw DatasetError.versionNotFound(reference.description)
            }
            for key in remove { datasetVersionsByName[version.dataset]?[i].tags[key] = nil }
            datasetVersionsByName[version.dataset]?[i].tags.merge(set) { _, new in new }
            return datasetVersionsByName[version.dataset]?[i] ?? version
        }
    }

    public func datasetDependents(_ record: DatasetVersionRecord) throws -> [String] {
        locked {
            modelVersionsByName.values.joined()
                .filter { $0.datasetName == record.dataset && $0.datasetVersionNumber == record.number }
                .map(\.reference).sorted()
        }
    }

    public func datasetRuns(_ record: DatasetVersionRecord, limit: Int) throws -> [String] {
        locked {
            runs.values.map(\.record).filter { $0.lineage.datasetVersion == record.reference && !$0.deleted }
                .sorted { $0.startTime > $1.startTime }.prefix(limit).map { "\($0.id.prefix(8)) \($0.name)" }
        }
    }

    public func removeDatasetVersion(_ reference: DatasetReference, force: Bool) throws -> DatasetVersionRecord {
        try locked {
            let version = try datasetVersion(reference)
            let dependents = try datasetDependents(version)
            if !dependents.isEmpty && !force { throw DatasetError.hasDependents(reference: version.reference, dependents: dependents) }
            datasetVersionsByName[version.dataset]?.removeAll { $0.number == version.number }
            datasetObjects[version.reference] = nil
            return version
        }
    }
}

extension InMemoryStore {
    /// Removes candidates that no dataset version, artifact, model version or step cache entry references.
    public func discardUnrecordedObjects(_ candidates: Set<ObjectID>) throws -> Int {
        try locked {
            var referenced = Set(datasetObjects.values.joined())
            for run in runs.values { referenced.formUnion(run.artifacts.values.map(\.object)) }
            for v in modelVersionsByName.values.joined() {
                referenced.formUnion([v.modelObject] + [v.preprocessingObject, v.referenceObject].compactMap { $0 })
            }
            referenced.formUnion(stepCache.values.map(\.manifest))
            return try objects.removeObjects(candidates.subtracting(referenced))
        }
    }
}

extension InMemoryStore: ModelStore {
    public func replaceReferenceObject(model: String, version: Int, from: ObjectID?, to object: ObjectID) throws -> Bool {
        guard objects.contains(object) else { throw ModelRegistryError.missingObject(model: model, object: object.hex, role: "reference data") }
        return locked {
            guard let k = modelVersionsByName[model]?.firstIndex(where: { $0.version == version }),
                  modelVersionsByName[model]![k].referenceObject == from else { return false }
            modelVersionsByName[model]![k].referenceObject = object
            return true
        }
    }

    public func registerModelVersion(_ new: NewModelVersion, alias: String?, author: String, reason: String?) throws -> ModelVersionRecord {
        guard !new.model.isEmpty, !new.model.contains("@") else { throw ModelRegistryError.invalidName(new.model, reason: "may not be empty or contain '@'") }
        for (object, role) in [(new.modelObject, "model"), (new.preprocessingObject, "preprocessing"), (new.referenceObject, "reference data")] {
            if let object, !objects.contains(object) { throw ModelRegistryError.missingObject(model: new.model, object: object.hex, role: role) }
        }
        return try locked {
            let now = Date().timeIntervalSince1970
            if modelCreated[new.model] == nil { modelCreated[new.model] = now }
            let version = (modelVersionsByName[new.model]?.last?.version ?? 0) + 1
            modelVersionsByName[new.model, default: []].append(ModelVersionRecord(
                model: new.model, version: version, createdAt: now, runID: new.runID, task: new.task, framework: new.framework,
                modelObject: new.modelObject, preprocessingObject: new.preprocessingObject, referenceObject: new.referenceObject,
                signature: new.signature, metrics: new.metrics, params: new.params, datasetName: new.datasetName,
                datasetVersionNumber: new.datasetVersionNumber, datasetHash: new.datasetHash, codeHash: new.codeHash,
                description: new.description, aliases: []))
            if let alias { _ = try setModelAlias(model: new.model, alias: alias, version: version, author: author, reason: reason, runID: new.runID) }
            return try modelVersion(ModelReference(model: new.model, selector: .version(version)))
        }
    }

    public func setModelAlias(model: String, alias: String, version: Int, author: String, reason: String?, runID: String?) throws -> AliasHistoryEntry? {
        try locked {
            guard let versions = modelVersionsByName[model] else { throw ModelRegistryError.unknownModel(model, known: modelVersionsByName.keys.sorted()) }
            guard versions.contains(where: { $0.version == version }) else {
                throw ModelRegistryError.unknownVersion(model: model, version: version, latest: versions.last?.version)
            }
            let key = alias.lowercased()
            let from = aliases[model]?[key]
            if from == version { return nil }
            aliases[model, default: [:]][key] = version
            let entry = AliasHistoryEntry(model: model, alias: key, fromVersion: from, toVersion: version,
                                          time: Date().timeIntervalSince1970, author: author, reason: reason)
            history[model, default: []].append(entry)
            return entry
        }
    }

    public func removeModelAlias(model: String, alias: String, author: String, reason: String?) throws -> Bool {
        try locked {
            guard modelVersionsByName[model] != nil else { throw ModelRegistryError.unknownModel(model, known: modelVersionsByName.keys.sorted()) }
            let key = alias.lowercased()
            guard let from = aliases[model]?[key] else { return false }
            aliases[model]?[key] = nil
            history[model, default: []].append(AliasHistoryEntry(model: model, alias: key, fromVersion: from, toVersion: nil,
                                                                 time: Date().timeIntervalSince1970, author: author, reason: reason))
            return true
        }
    }

    public func models() throws -> [ModelSummary] {
        locked {
            modelVersionsByName.keys.sorted().map { name in
                let versions = modelVersionsByName[name] ?? []
                return ModelSummary(name: name, description: nil, createdAt: modelCreated[name] ?? 0, versions: versions.count,
                                    latestVersion: versions.last?.version, updatedAt: versions.last?.createdAt,
                                    aliases: aliases[name] ?? [:], latestMetrics: versions.last?.metrics ?? [:])
            }
        }
    }

    /// A version with the aliases that point at it now.
    func withAliases(_ version: ModelVersionRecord) -> ModelVersionRecord {
        var v = version
        v.aliases = (aliases[v.model] ?? [:]).filter { $0.value == v.version }.map(\.key).sorted()
        return v
    }

    public func modelVersions(_ model: String) throws -> [ModelVersionRecord] {
        try locked {
            guard let versions = modelVersionsByName[model] else { throw ModelRegistryError.unknownModel(model, known: modelVersionsByName.keys.sorted()) }
            return versions.reversed().map(withAliases)
        }
    }

    public func modelVersion(_ reference: ModelReference) throws -> ModelVersionRecord {
        try locked {
            let model = reference.model
            guard let versions = modelVersionsByName[model] else { throw ModelRegistryError.unknownModel(model, known: modelVersionsByName.keys.sorted()) }
            switch reference.selector {
            case .latest:
                guard let last = versions.last else { throw ModelRegistryError.noVersions(model: model) }
                return withAliases(last)
            case .version(let n):
                guard let found = versions.first(where: { $0.version == n }) else {
                    throw ModelRegistryError.unknownVersion(model: model, version: n, latest: versions.last?.version)
                }
                return withAliases(found)
            case .alias(let given):
                let key = given.lowercased()
                guard let n = aliases[model]?[key], let found = versions.first(where: { $0.version == n }) else {
                    throw ModelRegistryError.unknownAlias(model: model, alias: key, known: (aliases[model] ?? [:]).keys.sorted())
                }
                return withAliases(found)
            }
        }
    }

    public func aliasHistory(model: String, alias: String?, limit: Int?) throws -> [AliasHistoryEntry] {
        try locked {
            guard modelVersionsByName[model] != nil else { throw ModelRegistryError.unknownModel(model, known: modelVersionsByName.keys.sorted()) }
            let entries = (history[model] ?? []).reversed().filter { alias == nil || $0.alias == alias?.lowercased() }
            return Array(limit.map { entries.prefix($0) } ?? entries[...])
        }
    }

    public func modelVersions(registeredBy runID: String) throws -> [ModelVersionRecord] {
        locked { modelVersionsByName.values.joined().filter { $0.runID == runID }.map(withAliases) }
    }

    /// Judges and moves under ``promotionLock``: promotions are serialised against each other
    /// (the SQLite store also holds off every other writer; this fake's other writes are each atomic).
    public func promoteIfBetter(model: String, version: Int, alias: String, metric: String, higherIsBetter: Bool?, force: Bool,
                                author: String, runID: String?, reason: (PromotionDecision) -> String?) throws -> (decision: PromotionDecision, move: AliasHistoryEntry?) {
        promotionLock.lock()
        defer { promotionLock.unlock() }
        let candidate = try modelVersion(ModelReference(model: model, selector: .version(version)))
        let decision = try judgePromotion(of: candidate, alias: alias, metric: metric, higherIsBetter: higherIsBetter)
        if decision.verdict == .alreadyThere || (decision.verdict == .notBetter && !force) { return (decision, nil) }
        let move = try setModelAlias(model: model, alias: alias, version: version, author: author, reason: reason(decision), runID: runID)
        return (decision, move)
    }
}
