import Foundation

/// SIGINT, SIGTERM and SIGHUP handed to a closure instead of ending the process, so that a
/// tracked command or a pipeline run can stop its children and record its run as KILLED. Used by
/// `mldeck track` and `mldeck run` alike.
public enum SignalForwarding {
    /// Installs the handlers; keep the returned sources alive and `cancel()` them when done.
    /// - Parameters:
    ///   - secondInterruptExits: a second SIGINT exits at once (status 130), for a user who
    ///     pressed Ctrl-C twice and means it.
    ///   - handler: called with the signal's name (`SIGINT`, …) and how many signals came so far.
    public static func install(secondInterruptExits: Bool = false,
                               _ handler: @escaping @Sendable (_ name: String, _ count: Int) -> Void) -> [DispatchSourceSignal] {
        let names: [Int32: String] = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"]
        let count = SignalCounter()
        // A parent may have started us with these blocked (Foundation's Process does): unblock them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        return [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                let n = count.next()
                if secondInterruptExits && n > 1 && sig == SIGINT {
                    FileHandle.standardError.write(Data("mldeck: interrupted again; exiting\n".utf8))
                    exit(130)
                }
                handler(names[sig] ?? "signal \(sig)", n)
            }
            source.resume()
            return source
        }
    }
}

/// Counts signals across threads.
final class SignalCounter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}
