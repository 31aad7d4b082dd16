import Foundation

/// Starts threads that may score or train with XGBoost, so that whatever their work holds is
/// released while the thread still runs — not when the thread is torn down.
///
/// Why: a Foundation `Thread` keeps its closure, and everything the closure captured, until the
/// thread's pthread-specific data is destroyed, after the thread's body has returned. By then glibc
/// has already run the thread's C++ `thread_local` destructors, among them XGBoost's per-thread
/// store of prediction buffers (`XGBAPIThreadLocalStore`). If the closure held the last reference
/// to a booster, `XGBoosterFree` runs at that moment, looks its entry up in the destroyed store and
/// frees garbage: `mldeck serve --shadow` crashed with SIGSEGV in `~HostDeviceVector` on about one
/// graceful stop in four, its shadow thread holding the last reference to the shadow's model.
///
/// ``start(name:_:)`` lets go of `body` (and of what it captured) as soon as it returns, inside
/// the thread's run, where freeing a booster is safe.
public enum XGBoostThread {
    /// Runs `body` on a new thread named `name` (for `ps -L` and debuggers; Foundation's name),
    /// then, once `body` and its captures are released, `finished` (where a caller that waits for
    /// the thread signals it: signalled from `body`, the caller could go on, and the process end,
    /// while the thread still frees what `body` held).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void, finished: (@Sendable () -> Void)? = nil) {
        let work = Work(body)
        let thread = Thread { work.run(); finished?() }
        thread.name = name
        thread.start()
    }

    /// The body, dropped once it has run.
    private final class Work: @unchecked Sendable {
        // @unchecked Sendable: `body` is set at init and read and cleared only by the one thread
        // that runs it.
        private var body: (@Sendable () -> Void)?
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        func run() {
            body?()
            body = nil   // the captures are released here, while the thread's storage is intact
        }
    }
}
