import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` in its own process group, with a clean signal
/// mask and default signal handlers (Foundation's `Process` leaves children ignoring SIGTERM and
/// has no process groups). Standard output and error go to one pipe that the caller reads.
public final class ChildProcess: @unchecked Sendable {
    /// The child's pid, which is also its process group id.
    public let pid: pid_t
    /// Read end of the child's merged stdout/stderr.
    public let outputFD: Int32

    /// How a child ended.
    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signaled(Int32)

        /// The conventional shell exit status (128 + signal for a signal).
        public var shellStatus: Int32 {
            switch self { case .exited(let code): return code; case .signaled(let sig): return 128 + sig }
        }
    }

    /// Errors starting a child.
    public enum SpawnError: Error, CustomStringConvertible {
        case failed(command: String, errno: Int32)
        case emptyCommand
        /// The C library cannot start a child in another folder without changing ours.
        case noChdir(directory: String)

        public var description: String {
            switch self {
            case .failed(let command, let code):
                let reason = code == ENOENT ? "command not found" : String(cString: strerror(code))
                return "cannot start '\(command)': \(reason)"
            case .emptyCommand: return "no command given"
            case .noChdir(let directory):
                return "cannot start a command in \(directory): this C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29 or newer is needed)"
            }
        }
    }

    /// Starts `arguments[0]` (searched in PATH) with `environment`, in `directory`.
    /// Standard input is the file `standardInput` (default /dev/null); stdout and stderr are merged into ``outputFD``.
    public init(arguments: [String], environment: [String: String], directory: String? = nil, standardInput: String? = nil) throws {
        guard let program = arguments.first else { throw SpawnError.emptyCommand }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw SpawnError.failed(command: program, errno: errno) }
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        if let directory { try ChildProcess.setDirectory(&actions, directory) }
        ChildProcess.closeOtherDescriptors(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(); sigemptyset(&noSignals)
        var allSignals = sigset_t(); sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }

        var child: pid_t = 0
        let code = posix_spawnp(&child, program, &actions, &attributes, argv, envp)
        close(pipeFDs[1])
        guard code == 0 else {
            close(pipeFDs[0])
            throw SpawnError.failed(command: program, errno: code)
        }
        pid = child
        outputFD = pipeFDs[0]
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addChdirFunction: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// Makes the child start in `directory` without changing this process's working folder, which
    /// every thread shares (a dashboard launching a run while another thread resolves a relative
    /// path would race). `posix_spawn_file_actions_addchdir_np` is glibc 2.29+, looked up at run time.
    static func setDirectory(_ actions: inout posix_spawn_file_actions_t, _ directory: String) throws {
        guard let function = addChdirFunction, function(&actions, directory) == 0 else { throw SpawnError.noChdir(directory: directory) }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFromFunction: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Makes the child start with descriptors 0–2 only: it must not hold open what this process
    /// inherited or opened (a caller's pipe would stay open until the child ends, so a script
    /// reading `mldeck run --detach`'s output would wait for the whole run). Uses glibc 2.34's
    /// `posix_spawn_file_actions_addclosefrom_np` when the C library has it (looked up at run time).
    static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        _ = addCloseFromFunction?(&actions, 3)
    }

    /// Blocks until the child ends.
    public func wait() -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    /// Sends `signal` to the child's whole process group.
    public func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    private let drainLock = NSLock()
    private var drainDeadline: Double = .infinity

    /// Makes ``drainOutput(_:)`` return within `seconds` even if a grandchild keeps the pipe open.
    public func stopDraining(after seconds: Double) {
        drainLock.lock(); drainDeadline = Date().timeIntervalSince1970 + seconds; drainLock.unlock()
    }

    /// Reads the child's output until it closes (or until ``stopDraining(after:)``'s deadline),
    /// handing each block to `sink`.
    public func drainOutput(_ sink: (UnsafeRawBufferPointer) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var poller = pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)
        while true {
            drainLock.lock(); let deadline = drainDeadline; drainLock.unlock()
            if Date().timeIntervalSince1970 > deadline { break }
            let ready = poll(&poller, 1, 100)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = buffer.withUnsafeMutableBytes { read(outputFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            buffer.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        close(outputFD)
    }
}
