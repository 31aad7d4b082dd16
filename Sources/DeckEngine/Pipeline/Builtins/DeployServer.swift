import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `deploy … with: {serve: true, port: N}`: makes sure a server of `MODEL@ALIAS` answers on the
/// port. A server of that model and alias already registered there is left alone (it follows the
/// alias by itself); otherwise, when nothing answers on the port, `mldeck serve MODEL@ALIAS
/// --port N` is started detached (a session of its own, so it outlives the run), its output in
/// `.mldeck/servers/serve-PORT.log`. The server records its address with the deployment when it
/// starts listening (`mldeck models deployments` shows it).
enum DeployServer {
    /// What was found or started.
    struct Outcome: Equatable {
        var address: String
        var started: Bool
        var pid: Int32
    }

    /// How long a started server may take to load its model and listen.
    static let startTimeout = 60.0

    static func ensure(model: String, alias: String, host: String, port: Int, step: String, workspace: Workspace,
                       executable: String = PipelineLauncher.currentExecutable) throws -> Outcome {
        let registry = ServerRegistry(workspace: workspace)
        if let entry = registry.list().first(where: { $0.port == port && sameHost($0.host, host) }) {
            guard entry.model == model, entry.alias == alias else {
                let what = entry.alias.map { "\(entry.model)@\($0)" } ?? "\(entry.model)@\(entry.version)"
                throw StepError.failed(step: step, message: "port \(port) is taken by the server of \(what) (pid \(entry.pid)); "
                                       + "choose another with: {port: N} or stop it with mldeck servers stop \(entry.address)")
            }
            return Outcome(address: entry.address, started: false, pid: entry.pid)
        }
        if answers(host: host, port: port) {
            throw StepError.failed(step: step, message: "another program answers on \(host):\(port); no server was started "
                                   + "(choose another with: {port: N})")
        }
        try FileManager.default.createDirectory(at: registry.directory, withIntermediateDirectories: true)
        let console = registry.directory.appendingPathComponent("serve-\(port).log")
        let arguments = [executable, "serve", "\(model)@\(alias)", "--host", host, "--port", "\(port)", "--workspace", workspace.root.path]
        let pid: pid_t
        do {
            pid = try PipelineLauncher.spawnDetached(arguments, console: console.path, directory: workspace.root.path)
        } catch {
            throw StepError.failed(step: step, message: "cannot start mldeck serve: \(error)")
        }
        // Reap it when it ends while this process lives (a failed start, or a later stop).
        Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }.start()
        let deadline = Date().addingTimeInterval(startTimeout)
        while Date() < deadline {
            if let entry = registry.list().first(where: { $0.pid == pid }) {
                return Outcome(address: entry.address, started: true, pid: pid)
            }
            if kill(pid, 0) != 0 {  // reaped by the thread above
                throw StepError.failed(step: step, message: "mldeck serve \(model)@\(alias) on port \(port) stopped at once: "
                                       + lastLines(console) + " (see \(console.path))")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(pid, SIGTERM)
        throw StepError.failed(step: step, message: "mldeck serve \(model)@\(alias) did not listen on port \(port) within "
                               + "\(Int64(startTimeout)) s; stopped it (see \(console.path))")
    }

    static func sameHost(_ a: String, _ b: String) -> Bool {
        a == b || (isLoopback(a) && isLoopback(b)) || a == "0.0.0.0" || a == "::"
    }

    static func isLoopback(_ host: String) -> Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    /// Whether a TCP connection to `host:port` (IPv4) is accepted.
    static func answers(host: String, port: Int) -> Bool {
        let address = host == "localhost" || host == "0.0.0.0" ? "127.0.0.1" : host
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        guard inet_pton(AF_INET, address, &sin.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// The last lines of a server's output, on one line.
    static func lastLines(_ url: URL) -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: \.isNewline).suffix(3).map(String.init)
        return lines.isEmpty ? "no output" : lines.joined(separator: " / ")
    }
}
