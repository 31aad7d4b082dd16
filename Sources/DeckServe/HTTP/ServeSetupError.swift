import DeckStore

/// Why a server does not start.
public enum ServeSetupError: Error, CustomStringConvertible, CategorizedError {
    /// A non-loopback address without a token.
    case tokenRequired(host: String)
    /// A token too short to protect anything.
    case shortToken
    /// The port is outside 0…65535.
    case badPort(Int)
    /// An option value out of range.
    case badOption(name: String, value: String, expected: String)
    /// Binding failed (the port is taken, the address is not this machine's).
    case cannotBind(address: String, reason: String)
    /// `--shadow` with `--no-log`: the shadow's answers are only kept in the prediction log.
    case shadowNeedsLog
    /// The server ran, but `count` predictions could not be written to its log (a full or failing
    /// disk): the exit status says so after a stop.
    case predictionsNotLogged(count: Int, reason: String)

    public var category: ErrorCategory {
        switch self {
        case .tokenRequired, .shortToken, .badPort, .badOption, .shadowNeedsLog: return .invalidArgument
        case .cannotBind, .predictionsNotLogged: return .unavailable
        }
    }

    public var description: String {
        switch self {
        case .tokenRequired(let host):
            return "binding \(host) makes the endpoint reachable from other machines: give --token T (or set \(BindPolicy.tokenVariable)); clients then send 'Authorization: Bearer T'. Bind 127.0.0.1 to serve this machine only."
        case .shortToken:
            return "the token is shorter than 8 characters: use a long random one (e.g. `openssl rand -hex 16`)"
        case .badPort(let port):
            return "port \(port) is not between 0 and 65535"
        case .badOption(let name, let value, let expected):
            return "--\(name) \(value): expected \(expected)"
        case .cannotBind(let address, let reason):
            return "cannot listen on \(address): \(reason) (is another server on that port? `mldeck servers list` shows MLDeck's)"
        case .shadowNeedsLog:
            return "--shadow keeps the shadow's answers in the prediction log: drop --no-log"
        case .predictionsNotLogged(let count, let reason):
            return "the server stopped, but \(count) prediction\(count == 1 ? " was" : "s were") not logged: \(reason)"
        }
    }
}
