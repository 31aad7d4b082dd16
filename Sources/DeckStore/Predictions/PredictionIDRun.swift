import Foundation

/// Consecutive rows of a logged batch whose prediction ids are consecutive: how the log stores
/// ids (schema version 3) instead of one indexed text per row.
///
/// A server makes ids `<8 hex prefix>-<12 hex counter>` (`3f9a2c71-00000000001a`), one block of
/// consecutive counters per request; the rows of one request therefore form one run, and so do
/// requests merged into one batch when their blocks follow each other. Blocks of requests that
/// reached the log writer in another order than they took their ids start new runs. An id of
/// another shape (a test's, an older server's) is a run of its own: the whole id as `prefix`,
/// `firstCounter` -1 and `count` 1.
struct PredictionIDRun: Sendable, Equatable {
    var prefix: String
    /// The counter of the run's first row; -1 for an id of another shape.
    var firstCounter: Int64
    var count: Int

    /// The id of the run's `k`-th row.
    func id(at k: Int) -> String {
        firstCounter < 0 ? prefix : prefix + "-" + Self.hex12(UInt64(firstCounter) + UInt64(k))
    }

    /// The runs of `ids`, in row order.
    static func runs(_ ids: [String]) -> [PredictionIDRun] {
        var out: [PredictionIDRun] = []
        for id in ids {
            let key = Key(id)
            if let last = out.indices.last, key.counter >= 0, out[last].firstCounter >= 0,
               out[last].firstCounter + Int64(out[last].count) == key.counter, out[last].prefix == key.prefix {
                out[last].count += 1
            } else {
                out.append(PredictionIDRun(prefix: key.prefix, firstCounter: key.counter, count: 1))
            }
        }
        return out
    }

    /// Every row's id, in row order.
    static func ids(_ runs: [PredictionIDRun]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        for run in runs { for k in 0..<run.count { out.append(run.id(at: k)) } }
        return out
    }

    /// An id as the log indexes it: a server-made id split into prefix and counter, any other
    /// id whole with counter -1. Formatting a server-made key gives the id back exactly (the
    /// parse takes lowercase hex of fixed width only).
    struct Key: Hashable, Sendable {
        var prefix: String
        var counter: Int64

        init(_ id: String) {
            var parsed: (String, Int64)?
            var id = id
            id.withUTF8 { utf8 in
                guard utf8.count == 21, utf8[8] == UInt8(ascii: "-") else { return }
                var counter: Int64 = 0
                for i in 0..<21 where i != 8 {
                    guard let digit = Self.hexValue(utf8[i]) else { return }
                    if i > 8 { counter = counter << 4 | Int64(digit) }
                }
                parsed = (String(decoding: UnsafeBufferPointer(rebasing: utf8[0..<8]), as: UTF8.self), counter)
            }
            if let parsed { prefix = parsed.0; counter = parsed.1 } else { prefix = id; counter = -1 }
        }

        private static func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `n` as 12 lowercase hex digits (the server's counter format).
    static func hex12(_ n: UInt64) -> String {
        String(unsafeUninitializedCapacity: 12) { out in
            for i in 0..<12 { out[i] = hexDigits[Int((n >> UInt64(44 - 4 * i)) & 0xF)] }
            return 12
        }
    }
}
