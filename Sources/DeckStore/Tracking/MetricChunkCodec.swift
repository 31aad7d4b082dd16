import Foundation

/// Packs metric points of one (run, key) into a blob: 24 bytes a point, little-endian
/// `step: Int64, value: Float64, timestamp: Float64`. One row per logged batch instead of one
/// row per point is what lets tracking log over a million points a second.
enum MetricChunkCodec {
    static let bytesPerPoint = 24

    static func encode(_ points: some Collection<SeriesPoint>) -> Data {
        var data = Data(count: points.count * bytesPerPoint)
        data.withUnsafeMutableBytes { raw in
            var offset = 0
            for p in points {
                raw.storeBytes(of: p.step.littleEndian, toByteOffset: offset, as: Int64.self)
                raw.storeBytes(of: p.value.bitPattern.littleEndian, toByteOffset: offset + 8, as: UInt64.self)
                raw.storeBytes(of: p.timestamp.bitPattern.littleEndian, toByteOffset: offset + 16, as: UInt64.self)
                offset += bytesPerPoint
            }
        }
        return data
    }

    static func decode(_ data: Data, into out: inout [SeriesPoint]) {
        let count = data.count / bytesPerPoint
        out.reserveCapacity(out.count + count)
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                let o = i * bytesPerPoint
                let step = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self))
                let value = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)))
                let time = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o + 16, as: UInt64.self)))
                out.append(SeriesPoint(step: step, value: value, timestamp: time))
            }
        }
    }
}
