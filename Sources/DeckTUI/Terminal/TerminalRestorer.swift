#if canImport(Glibc)
import Glibc
#endif
import CNCurses

// State read by the signal handlers. Set up (and first touched) before any handler is installed,
// then only read, so the handlers do nothing but async-signal-safe work: write(2), tcsetattr(3),
// sigaction(2), raise(3).
nonisolated(unsafe) private var resetBytes: UnsafeMutablePointer<UInt8>? = nil
nonisolated(unsafe) private var resetLength: Int = 0
nonisolated(unsafe) private var savedTermios: UnsafeMutablePointer<termios>? = nil
nonisolated(unsafe) private var previousActions: UnsafeMutablePointer<sigaction>? = nil
nonisolated(unsafe) private var restoreArmed: Int32 = 0
nonisolated(unsafe) private var quitSignal: Int32 = 0

private let maxSignal = 65

/// Puts the terminal back to normal on every way out of the dashboard.
///
/// - Normal exit: ``TerminalSession/end()`` calls `endwin`; an `atexit` hook does it too if the
///   process calls `exit()` while the dashboard is up.
/// - SIGINT, SIGTERM, SIGHUP: the first one only records a quit request, which the UI loop sees
///   within one input timeout and leaves cleanly (with `endwin`). A second one restores the
///   terminal at once and dies by the signal.
/// - Crash signals (SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGFPE, SIGTRAP): `endwin` is not
///   async-signal-safe, so the handler writes a reset sequence precomputed from terminfo
///   (`sgr0`, `cnorm`, `rmkx`, mouse off, `rmcup`) with write(2), restores the saved tty modes
///   with tcsetattr, puts back the previous handler (Swift's backtracer if it is on, otherwise
///   the default action) and re-raises the signal, so the crash is reported on a sane terminal.
///
/// Run the dashboard with `SWIFT_BACKTRACE=interactive=no`: otherwise Swift's backtracer may
/// stop at an interactive prompt after a crash.
public enum TerminalRestorer {
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGABRT, SIGFPE, SIGTRAP]
    static let quitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Saves the tty modes. Call before `initscr`/`newterm`.
    static func saveTTYModes() {
        if savedTermios == nil {
            savedTermios = UnsafeMutablePointer<termios>.allocate(capacity: 1)
            savedTermios!.initialize(to: termios())
        }
        if tcgetattr(STDIN_FILENO, savedTermios!) != 0 { savedTermios!.deinitialize(count: 1); savedTermios = nil }
    }

    /// Installs the signal handlers. Call before `newterm`, so that ncurses (which only catches
    /// SIGINT/SIGTERM when they have the default action) leaves them to us. Until ``arm()`` the
    /// handlers just re-raise with the previous action.
    static func installHandlers() {
        if previousActions == nil {
            previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: maxSignal)
            previousActions!.initialize(repeating: sigaction(), count: maxSignal)
            atexit { TerminalRestorer.restoreAtExit() }
        }
        _ = restoreArmed
        _ = quitSignal
        _ = resetLength
        _ = resetBytes
        _ = savedTermios
        for sig in crashSignals { install(sig, handler: crashHandler) }
        for sig in quitSignals { install(sig, handler: quitHandler) }
    }

    /// Precomputes the reset sequence from the loaded terminfo entry and arms the handlers.
    /// Call right after `newterm`.
    static func arm() {
        var seq: [UInt8] = []
        for cap in ["sgr0", "cnorm", "rmkx"] {
            if let s = nc_tigetstr(cap) { seq.append(contentsOf: Array(String(cString: s).utf8)) }
        }
        // Mouse tracking off (xterm protocols; harmless elsewhere).
        seq.append(contentsOf: Array("\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1003l\u{1b}[?1006l".utf8))
        if let s = nc_tigetstr("rmcup") { seq.append(contentsOf: Array(String(cString: s).utf8)) }
        seq.append(contentsOf: Array("\r\n".utf8))
        // Handlers only read these while armed, and arming happens after they are set.
        restoreArmed = 0
        if let old = resetBytes { resetBytes = nil; old.deallocate() }
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: seq.count)
        buf.initialize(from: seq, count: seq.count)
        resetBytes = buf
        resetLength = seq.count
        quitSignal = 0
        restoreArmed = 1
    }

    /// Removes the handlers again (after `endwin`).
    static func disarm() {
        restoreArmed = 0
        guard let prev = previousActions else { return }
        for sig in crashSignals + quitSignals { _ = sigaction(sig, prev + Int(sig), nil) }
    }

    /// The quit signal received since the session started (SIGINT/SIGTERM/SIGHUP), or 0.
    static var pendingQuitSignal: Int32 { quitSignal }

    private static func install(_ sig: Int32, handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_ONSTACK
        _ = sigaction(sig, &action, previousActions! + Int(sig))
    }

    /// Async-signal-safe: writes the reset sequence and restores the tty modes.
    static func emergencyRestore() {
        guard restoreArmed != 0 else { return }
        restoreArmed = 0
        if let bytes = resetBytes {
            var off = 0
            while off < resetLength {
                let n = write(STDOUT_FILENO, bytes + off, resetLength - off)
                if n <= 0 { break }
                off += n
            }
        }
        if let t = savedTermios { _ = tcsetattr(STDIN_FILENO, TCSADRAIN, t) }
    }

    static func restoreAtExit() {
        if restoreArmed != 0 { restoreArmed = 0; endwin() }
    }
}

private let crashHandler: @convention(c) (Int32) -> Void = { sig in
    TerminalRestorer.emergencyRestore()
    if let prev = previousActions, sig >= 0, Int(sig) < maxSignal {
        _ = sigaction(sig, prev + Int(sig), nil)
    } else {
        _ = signal(sig, SIG_DFL)
    }
    _ = raise(sig)
}

private let quitHandler: @convention(c) (Int32) -> Void = { sig in
    if quitSignal == 0 && restoreArmed != 0 {
        quitSignal = sig
        return
    }
    // Not running the dashboard, or a second signal: restore and die by the previous action.
    TerminalRestorer.emergencyRestore()
    if let prev = previousActions, sig >= 0, Int(sig) < maxSignal {
        _ = sigaction(sig, prev + Int(sig), nil)
    } else {
        _ = signal(sig, SIG_DFL)
    }
    _ = raise(sig)
}
