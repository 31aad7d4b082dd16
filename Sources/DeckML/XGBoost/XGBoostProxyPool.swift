import CXGBoost
import Foundation

/// Proxy DMatrix handles lent to in-place predictions, one per concurrent call.
///
/// `XGBoosterPredictFromDense` builds a proxy DMatrix of its own when it is given none, and
/// building one reads the cgroup CPU quota files (`GetCfsCPUCount`): 13 µs of a 33 µs single-row
/// prediction of the churn model here (`/tmp/xgb_bench.c` of the 1 Dec session: 32.9 → 19.8 µs per
/// row). Handing it a proxy made once avoids that. Newer XGBoost versions store the request's array
/// in the proxy it is given (`SetArrayData`), so a proxy is never shared by two calls at once: a
/// call borrows one from this pool (or makes one when all are lent) and gives it back after.
///
/// `@unchecked Sendable`: the free list is read and written only under `lock`; a handle is used by
/// one call at a time, between `borrow` and `giveBack`.
final class XGBoostProxyPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [DMatrixHandle] = []
    /// Proxies kept for reuse; more concurrent calls than this make and free their own.
    private let keep = 64

    /// Runs `body` with a proxy DMatrix, or with nil when XGBoost cannot make one (the call then
    /// makes its own, as before).
    func withProxy<T, E: Error>(_ body: (DMatrixHandle?) throws(E) -> T) throws(E) -> T {
        let proxy = borrow()
        defer { if let proxy { giveBack(proxy) } }
        return try body(proxy)
    }

    private func borrow() -> DMatrixHandle? {
        lock.lock()
        if let handle = free.popLast() { lock.unlock(); return handle }
        lock.unlock()
        var made: DMatrixHandle?
        guard XGProxyDMatrixCreate(&made) == 0 else { return nil }
        return made
    }

    private func giveBack(_ handle: DMatrixHandle) {
        lock.lock()
        if free.count < keep { free.append(handle); lock.unlock(); return }
        lock.unlock()
        XGDMatrixFree(handle)
    }

    deinit {
        for handle in free { XGDMatrixFree(handle) }
    }
}
