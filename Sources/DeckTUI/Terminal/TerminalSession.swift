#if canImport(Glibc)
import Glibc
#endif
import Foundation
import CNCurses

/// The real terminal, owned through ncursesw: set-up, input, size, and restoring it.
///
/// Set-up order follows htop: `setlocale` (falling back to C.UTF-8 when the locale is not
/// UTF-8), `newterm`, `cbreak`, `noecho`, `nonl`, `keypad`, `curs_set(0)`, `set_escdelay(25)`,
/// `start_color` + `use_default_colors`, mouse (click and wheel). The terminal is restored by
/// ``end()``, and by ``TerminalRestorer`` on signals and crashes.
@MainActor
public final class TerminalSession {
    /// Options for starting the terminal.
    public struct Options: Sendable {
        /// Report mouse clicks and the wheel.
        public var mouse: Bool = true
        /// Milliseconds ncurses waits after Esc for the rest of an escape sequence.
        public var escapeDelay: Int32 = 25
        /// Use this colour depth instead of detecting it (it is still capped by the terminal).
        public var forcedDepth: ColorDepth? = nil
        /// The environment (for `NO_COLOR`, `TERM`).
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        public init() {}
    }

    public let colorDepth: ColorDepth
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    public private(set) var isActive = true
    /// The backend that draws frames on this terminal.
    public private(set) lazy var backend = CursesBackend(session: self)

    /// Takes over the terminal. Throws when stdin/stdout is not a tty or TERM is unknown.
    public init(options: Options = Options()) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        setlocale(LC_ALL, "")
        CharWidth.ensureUTF8Locale()
        TerminalRestorer.saveTTYModes()
        TerminalRestorer.installHandlers()
        // A parent may have blocked the quit signals (the mask survives exec): unblock them, so a
        // closed terminal's SIGHUP reaches the handler.
        var quitSet = sigset_t()
        sigemptyset(&quitSet)
        for sig in TerminalRestorer.quitSignals { sigaddset(&quitSet, sig) }
        pthread_sigmask(SIG_UNBLOCK, &quitSet, nil)
        guard let scr = newterm(nil, nc_stdout(), nc_stdin()) else {
            TerminalRestorer.disarm()
            throw .unknownTerminalType(options.environment["TERM"] ?? "(unset)")
        }
        screen = scr
        window = nc_stdscr()
        TerminalRestorer.arm()
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(options.escapeDelay)
        var depth = ColorDepth.monochrome
        if has_colors() {
            start_color()
            use_default_colors()
            let direct = nc_tigetflag("RGB") > 0 || nc_colors() >= 0x1000000
            depth = ColorDepth.detect(hasColors: true, colors: Int(nc_colors()), directColor: direct,
                                      noColor: options.environment["NO_COLOR"])
        }
        if let forced = options.forcedDepth { depth = min(forced, depth) }
        colorDepth = depth
        if options.mouse {
            let mask = nc_button1_pressed() | nc_button1_released() | nc_button1_clicked() | nc_button1_double_clicked()
                | nc_button3_pressed() | nc_button4_pressed() | nc_button5_pressed()
            mousemask(mask, nil)
            mouseinterval(0)
        }
    }

    /// The terminal size in cells.
    public var size: Size {
        var h: Int32 = 0, w: Int32 = 0
        nc_getmaxyx(window, &h, &w)
        return Size(width: Int(w), height: Int(h))
    }

    /// Waits up to `timeoutMilliseconds` for input. Returns nil on timeout (or an input that
    /// decodes to nothing). `KEY_RESIZE` comes back as ``Key/resize``.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        wtimeout(window, timeoutMilliseconds)
        var ch: wint_t = 0
        let rc = wget_wch(window, &ch)
        if rc == ERR && Self.inputHungUp(STDIN_FILENO) { terminalLost = true }
        return KeyDecoder.decode(status: rc, code: UInt32(ch)) {
            var ev = MEVENT()
            guard getmouse(&ev) == OK, let kind = KeyDecoder.mouseKind(bstate: UInt32(ev.bstate)) else { return nil }
            return doubleClicks.classify(MouseEvent(kind, x: Int(ev.x), y: Int(ev.y)), at: Toast.now())
        }
    }

    /// True once the terminal has gone (its window or connection closed: standard input reports a
    /// hang-up or an error). Input can then never arrive, so the UI loop ends instead of spinning.
    public private(set) var terminalLost = false

    /// Double clicks from the timing of presses (ncurses reports none with `mouseinterval(0)`).
    private var doubleClicks = DoubleClickDetector()

    /// True when `descriptor` (the terminal's input) has hung up or failed, checked without waiting.
    nonisolated public static func inputHungUp(_ descriptor: Int32) -> Bool {
        guard descriptor >= 0 else { return true }
        var fd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&fd, 1, 0) >= 0 else { return errno == EBADF }
        return fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// SIGINT, SIGTERM or SIGHUP received while the dashboard runs (0 if none). The UI loop
    /// checks it after each input wait and ends the session cleanly.
    public var pendingQuitSignal: Int32 { TerminalRestorer.pendingQuitSignal }

    /// Restores the terminal (`endwin`). Safe to call twice.
    public func end() {
        guard isActive else { return }
        isActive = false
        curs_set(1)
        endwin()
        TerminalRestorer.disarm()
        delscreen(screen)
    }

    var stdscr: UnsafeMutablePointer<WINDOW> { window }
}
