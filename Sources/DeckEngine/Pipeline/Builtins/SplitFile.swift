import DeckML
import Foundation

/// The row indices of a split, stored by the `split` step as `split.bin`: `MLDSPLIT`, three
/// little-endian UInt32 counts (train, validation, test), then the indices as UInt32.
enum SplitFile {
    static let magic = Array("MLDSPLIT".utf8)
    static let name = "split.bin"

    static func encode(_ split: DatasetSplit) -> Data {
        var words: [UInt32] = [UInt32(split.train.count), UInt32(split.validation.count), UInt32(split.test.count)]
        words.reserveCapacity(3 + split.count)
        for part in [split.train, split.validation, split.test] { for i in part { words.append(UInt32(i)) } }
        var data = Data(magic)
        words.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func decode(_ data: Data) throws -> DatasetSplit {
        guard data.count >= 20, Array(data.prefix(8)) == magic else { throw StepError.failed(step: "split", message: "split.bin is damaged") }
        let words: [UInt32] = data.dropFirst(8).withUnsafeBytes { raw in
            Array(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt32.self), count: raw.count / 4))
        }
        let a = Int(words[0]), b = Int(words[1]), c = Int(words[2])
        guard words.count == 3 + a + b + c else { throw StepError.failed(step: "split", message: "split.bin is truncated") }
        let all = words[3...].map(Int.init)
        return DatasetSplit(train: Array(all[0..<a]), validation: Array(all[a..<(a + b)]), test: Array(all[(a + b)...]))
    }

    static func read(_ directory: URL) throws -> DatasetSplit {
        try decode(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// Reading a step's outputs.
enum StepFiles {
    static func preprocessing(_ directory: URL) throws -> PreprocessingSpec {
        try PreprocessingSpec.decode(try Data(contentsOf: directory.appendingPathComponent("preprocessing.json")))
    }
}
