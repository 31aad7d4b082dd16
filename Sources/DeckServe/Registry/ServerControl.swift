import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why `mldeck servers stop` could not stop a server.
public enum ServerControlError: Error, CustomStringConvertible, CategorizedError {
    case notFound(address: String, running: [String])
    case stillRunning(address: String, seconds: Double)
    case notPermitted(address: String, pid: Int32)

    public var category: ErrorCategory {
        switch self {
        case .notFound: return .notFound
        case .stillRunning: return .busy
        case .notPermitted: return .unavailable
        }
    }

    public var description: String {
        switch self {
        case .notFound(let address, let running):
            return "no MLDeck server at \(address) in this workspace" + (running.isEmpty ? " (none is running)" : "; running: \(running.joined(separator: ", "))")
        case .stillRunning(let address, let seconds):
            return "the server at \(address) is still finishing after \(Int64(seconds)) s (it stops once its requests are answered and its log is written)"
        case .notPermitted(let address, let pid):
            return "the server at \(address) (pid \(pid)) belongs to another user: it cannot be stopped from here"
        }
    }
}

/// Finding and stopping registered servers.
public extension ServerRegistry {
    /// The entries `address` names: `all`, `http://HOST:PORT`, `HOST:PORT` or a bare port.
    func matching(_ address: String) throws -> [ServerEntry] {
        let running = list()
        if address == "all" { return running }
        let given = address.hasPrefix("http://") ? String(address.dropFirst(7)) : address
        let found = running.filter { entry in
            given == "\(entry.host):\(entry.port)" || given == "\(entry.port)" || given == entry.address
                || (given.hasPrefix("localhost:") && BindPolicy.isLoopback(entry.host) && given == "localhost:\(entry.port)")
        }
        if found.isEmpty { throw ServerControlError.notFound(address: address, running: running.map(\.address)) }
        return found
    }

    /// Sends SIGTERM (a graceful stop) and waits up to `timeout` seconds for the process to end.
    func stop(_ entry: ServerEntry, timeout: Double = 30) throws {
        guard ServerRegistry.isAlive(entry) else { return }
        if kill(entry.pid, SIGTERM) != 0 {
            if errno == ESRCH { return }
            throw ServerControlError.notPermitted(address: entry.address, pid: entry.pid)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !ServerRegistry.isAlive(entry) { return }   // it removed its entry; if it could not, the reaper ends its deployment
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw ServerControlError.stillRunning(address: entry.address, seconds: timeout)
    }
}
