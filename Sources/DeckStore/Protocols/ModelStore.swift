import Foundation

/// The model registry: numbered versions per model, aliases (`staging`, `production`) and the
/// history of every alias move. Alias names are case-insensitive (kept in lower case).
public protocol ModelStore: StoreBase {
    /// Registers the next version of `new.model` (creating the model on first use), refusing
    /// objects that are not in the object store (``ModelRegistryError/missingObject(model:object:role:)``);
    /// optionally points `alias` at it in the same transaction. Returns the version as recorded.
    @discardableResult
    func registerModelVersion(_ new: NewModelVersion, alias: String?, author: String, reason: String?) throws -> ModelVersionRecord
    /// Points `alias` at `version`, recording who, when, from → to, why and the run that did it
    /// (a pipeline's deploy step); nil when it already pointed there. Moving the serving alias
    /// records a deployment.
    @discardableResult
    func setModelAlias(model: String, alias: String, version: Int, author: String, reason: String?, runID: String?) throws -> AliasHistoryEntry?
    /// Removes an alias (recorded in the history); false when it did not exist.
    @discardableResult
    func removeModelAlias(model: String, alias: String, author: String, reason: String?) throws -> Bool
    /// Every model with its version count, latest version and aliases, by name.
    func models() throws -> [ModelSummary]
    /// Every version of a model, newest first (``ModelRegistryError/unknownModel(_:known:)`` for an unknown model).
    func modelVersions(_ model: String) throws -> [ModelVersionRecord]
    /// Resolves `NAME`, `NAME@3`, `NAME@production` to a version.
    func modelVersion(_ reference: ModelReference) throws -> ModelVersionRecord
    /// The history of a model's alias moves, newest first (one alias or all).
    func aliasHistory(model: String, alias: String?, limit: Int?) throws -> [AliasHistoryEntry]
    /// The versions registered by a run.
    func modelVersions(registeredBy runID: String) throws -> [ModelVersionRecord]
    /// Points `model@version`'s reference data at `object` (already in the object store) when it
    /// still points at `from`: how reference predictions computed on first use are stored with a
    /// version registered before they were. False when another writer replaced it first.
    @discardableResult
    func replaceReferenceObject(model: String, version: Int, from: ObjectID?, to object: ObjectID) throws -> Bool
    /// Points `alias` at `version` only when it is better by `metric` than the version the alias
    /// points at now (or `force`), judging and moving atomically (no other writer moves the alias
    /// in between). `reason` makes the alias history's reason from the decision.
    func promoteIfBetter(model: String, version: Int, alias: String, metric: String, higherIsBetter: Bool?, force: Bool,
                         author: String, runID: String?, reason: (PromotionDecision) -> String?) throws -> (decision: PromotionDecision, move: AliasHistoryEntry?)
}

extension ModelStore {
    /// Registers a version under the current user, optionally moving `alias` to it.
    @discardableResult
    public func registerModelVersion(_ new: NewModelVersion, alias: String? = nil, reason: String? = nil) throws -> ModelVersionRecord {
        try registerModelVersion(new, alias: alias, author: DeckStore.defaultAuthor, reason: reason)
    }

    /// Moves an alias under the current user.
    @discardableResult
    public func setModelAlias(model: String, alias: String, version: Int, author: String = DeckStore.defaultAuthor,
                              reason: String? = nil) throws -> AliasHistoryEntry? {
        try setModelAlias(model: model, alias: alias, version: version, author: author, reason: reason, runID: nil)
    }

    /// The version an alias points at, or nil when the model or the alias does not exist.
    public func modelVersion(model: String, alias: String) throws -> ModelVersionRecord? {
        do { return try modelVersion(ModelReference(model: model, selector: .alias(alias))) }
        catch let error as ModelRegistryError {
            switch error {
            case .unknownModel, .unknownAlias: return nil
            default: throw error
            }
        }
    }
}

extension ModelStore {
    /// Removes an alias under the current user.
    @discardableResult
    public func removeModelAlias(model: String, alias: String, reason: String? = nil) throws -> Bool {
        try removeModelAlias(model: model, alias: alias, author: DeckStore.defaultAuthor, reason: reason)
    }

    /// The history of a model's alias moves, newest first.
    public func aliasHistory(model: String, alias: String? = nil) throws -> [AliasHistoryEntry] {
        try aliasHistory(model: model, alias: alias, limit: nil)
    }
}
