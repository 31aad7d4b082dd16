import Foundation

/// Cutting a buffer into chunks on every core, with exactly the cuts of ``ContentChunker/cut(_:count:isEnd:)``.
///
/// The gear hash shifts each byte's contribution left by one bit per later byte, so 64 bytes on a
/// byte no longer counts: from the 64th byte after a chunk's restart point on, the hash at a
/// position is that of the 64 bytes ending there, whichever chunk the position is in. So the
/// positions whose 64-byte hash clears the strict or the loose mask (~1 in 16,000) are found in
/// parallel over slices of the buffer, and the sequential pass only rolls the first 63 bytes after
/// each restart and then looks the rest up in that sparse list. (`datasets add` of a 1 GiB file
/// spent a fifth of its time cutting, on the one thread that also reads the file.)
extension ContentChunker {
    /// A position whose 64-byte hash clears a mask.
    struct Candidate {
        let position: Int
        let strict: Bool
        let loose: Bool
    }

    /// The chunks of `bytes[0 ..< count]` as consecutive ``cut(_:count:isEnd:)`` calls give them,
    /// stopping after the cut that reaches `window` bytes unless `isEnd`; the candidate scan runs
    /// on `parts` threads.
    func cuts(_ bytes: UnsafePointer<UInt8>, count: Int, isEnd: Bool, window: Int, parts: Int) -> [(start: Int, length: Int)] {
        let candidates = candidatePositions(bytes, count: count, parts: parts)
        var cuts: [(start: Int, length: Int)] = []
        cuts.reserveCapacity(count / averageSize * 2 + 2)
        var consumed = 0, cursor = 0
        while consumed < count, let n = cutLength(bytes, start: consumed, count: count, isEnd: isEnd, candidates: candidates, cursor: &cursor) {
            cuts.append((consumed, n))
            consumed += n
            if !isEnd && consumed >= window { break }
        }
        return cuts
    }

    /// ``cut(_:count:isEnd:)`` of the chunk at `start`, using `candidates` past the restart's first
    /// 63 bytes. `cursor` only moves forward (chunk starts only grow).
    func cutLength(_ bytes: UnsafePointer<UInt8>, start: Int, count: Int, isEnd: Bool,
                   candidates: [Candidate], cursor: inout Int) -> Int? {
        let available = count - start
        if available <= minimumSize { return isEnd ? available : nil }
        let restart = start + minimumSize
        let normalEnd = start + min(averageSize, available)
        let limitEnd = start + min(maximumSize, available)
        let gear = GearTable.values
        var h: UInt64 = 0
        let exactEnd = min(restart + 63, limitEnd)
        var j = restart
        while j < exactEnd {
            h = (h << 1) &+ gear[Int(bytes[j])]
            if h & (j < normalEnd ? strictMask : looseMask) == 0 { return j + 1 - start }
            j += 1
        }
        while cursor < candidates.count && candidates[cursor].position < exactEnd { cursor += 1 }
        var k = cursor
        while k < candidates.count && candidates[k].position < limitEnd {
            let c = candidates[k]
            if c.position < normalEnd ? c.strict : c.loose { return c.position + 1 - start }
            k += 1
        }
        if limitEnd - start == maximumSize { return maximumSize }
        return isEnd ? available : nil
    }

    /// Every position (from 63 on) whose 64-byte hash clears the strict or the loose mask, in order.
    func candidatePositions(_ bytes: UnsafePointer<UInt8>, count: Int, parts: Int) -> [Candidate] {
        let parts = max(1, min(parts, count / (1 << 20) + 1))
        let slice = (count + parts - 1) / parts
        var found = [[Candidate]](repeating: [], count: parts)
        found.withUnsafeMutableBufferPointer { out in
            let results = SendablePointer(out.baseAddress!)
            let input = SendablePointer(UnsafeMutablePointer(mutating: bytes))
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let from = part * slice, to = min(count, from + slice)
                results.pointer[part] = scanCandidates(UnsafePointer(input.pointer), from: from, to: to)
            }
        }
        return Array(found.joined())
    }

    private func scanCandidates(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int) -> [Candidate] {
        guard from < to else { return [] }
        let gear = GearTable.values
        let strict = strictMask, loose = looseMask
        var h: UInt64 = 0
        for p in max(0, from - 64)..<from { h = (h << 1) &+ gear[Int(bytes[p])] }
        var out: [Candidate] = []
        out.reserveCapacity((to - from) >> 12)
        for p in from..<to {
            h = (h << 1) &+ gear[Int(bytes[p])]
            let s = h & strict == 0, l = h & loose == 0
            if s || l, p >= 63 { out.append(Candidate(position: p, strict: s, loose: l)) }
        }
        return out
    }
}

/// A pointer handed to the threads of one `concurrentPerform`, each touching its own elements.
private struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
