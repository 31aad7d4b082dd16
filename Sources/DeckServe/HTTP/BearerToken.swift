import Foundation

/// The token a server requires (`Authorization: Bearer …`), and when one is required at all.
public struct BearerToken: Sendable {
    private let expected: [UInt8]

    public init(_ token: String) { expected = Array(token.utf8) }

    /// True when `header` (the whole `Authorization` value) carries the token. The comparison
    /// takes the same time whatever the given value is (it runs over the expected token's length).
    public func accepts(authorization header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        let prefix = Array("Bearer ".utf8)
        guard bytes.count >= prefix.count,
              zip(bytes.prefix(prefix.count), prefix).allSatisfy({ a, b in a | 0x20 == b | 0x20 || a == b }) else { return false }
        return Self.constantTimeEqual(expected, Array(bytes.dropFirst(prefix.count)))
    }

    /// Compares `given` with `expected` in time that depends only on `expected.count`.
    public static func constantTimeEqual(_ expected: [UInt8], _ given: [UInt8]) -> Bool {
        var difference: UInt8 = expected.count == given.count ? 0 : 1
        for i in 0..<expected.count {
            difference |= expected[i] ^ (i < given.count ? given[i] : 0)
        }
        return difference == 0
    }
}

/// Whether a bind address is the machine itself: `127.0.0.0/8`, `::1`, `localhost`.
public enum BindPolicy {
    /// The environment variable that gives the token when `--token` is not given.
    public static let tokenVariable = "MLDECK_SERVE_TOKEN"

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h == "::1" || h == "[::1]" || h.hasPrefix("127.")
    }

    /// The token to require: `given`, else `MLDECK_SERVE_TOKEN`; nil when none. Binding a
    /// non-loopback address without one is refused.
    public static func token(host: String, given: String?, environment: [String: String]) throws(ServeSetupError) -> BearerToken? {
        let text = given ?? environment[tokenVariable]
        if let text, !text.isEmpty {
            guard text.count >= 8 else { throw .shortToken }
            return BearerToken(text)
        }
        if !isLoopback(host) { throw .tokenRequired(host: host) }
        return nil
    }
}
