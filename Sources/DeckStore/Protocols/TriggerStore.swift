import Foundation

/// The runner lease and the durable state of triggers: what each trigger last saw and every
/// firing, recorded before its run starts, so that a runner killed at any point and started again
/// neither loses a firing nor fires twice.
///
/// Read-then-write methods run under the write lock (SQLite `BEGIN IMMEDIATE`; PostgreSQL
/// `SELECT … FOR UPDATE`).
public protocol TriggerStore: StoreBase {
    /// Takes the runner lease for `holder` when it is free, already `holder`'s, expired, or held
    /// by a dead process on this host; otherwise returns who holds it. The lease lasts `ttl`
    /// seconds from `now` unless renewed.
    func acquireRunnerLease(holder: String, role: String, owner: ProcessIdentity, now: Double, ttl: Double) throws -> RunnerLeaseResult
    /// Extends `holder`'s lease to `now + ttl`; false when `holder` no longer holds it (taken over).
    func renewRunnerLease(holder: String, now: Double, ttl: Double) throws -> Bool
    /// Gives the lease up when `holder` holds it.
    func releaseRunnerLease(holder: String) throws
    /// The current lease, if any (expired or not).
    func runnerLease() throws -> RunnerLease?

    /// Every trigger's recorded state.
    func triggerStates() throws -> [TriggerStateRecord]
    /// Records a trigger's new state and, in the same transaction, its firing: coalesced into the
    /// trigger's pending firing when there is one, a new `pending` firing due after its debounce
    /// otherwise. Returns the firing's id when one was recorded.
    @discardableResult
    func recordTriggerCheck(_ state: TriggerStateRecord, firing: TriggerFiring?) throws -> Int64?
    /// Firings that are not `finished` (all pipelines), oldest first.
    func openTriggerFirings() throws -> [TriggerFiringRecord]
    /// The newest firings (all statuses), newest first.
    func recentTriggerFirings(limit: Int) throws -> [TriggerFiringRecord]
    /// Moves firings to `status` (`launching`, `started` with `runID`, or back to `pending`).
    func updateTriggerFirings(_ ids: [Int64], status: TriggerFiringStatus, runID: String?, at: Double) throws
    /// Marks the firings of `runID` finished with the run's final status.
    func finishTriggerFirings(runID: String, runStatus: String, at: Double) throws
    /// Marks the firings of `runID` as alerted; returns false when they already were (so a
    /// failure is alerted once).
    func markTriggerFiringsAlerted(runID: String) throws -> Bool
}
