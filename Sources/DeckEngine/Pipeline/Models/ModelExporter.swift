import DeckML
import DeckStore
import Foundation

/// `mldeck models export NAME[@V] DIR`: the model as XGBoost JSON (loads in Python's
/// `xgboost.Booster`), its preprocessing spec, input signature and version record.
public enum ModelExporter {
    /// Files written into the folder.
    public static let files = ["model.json", "preprocessing.json", "signature.json", "version.json"]

    /// Writes the version's files into `directory` (created when missing). Returns their paths.
    @discardableResult
    public static func export(_ version: ModelVersionRecord, store: DeckStore, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        let model = directory.appendingPathComponent("model.json")
        try store.objects.export(version.modelObject, to: model)
        written.append(model)
        if let preprocessing = version.preprocessingObject {
            let url = directory.appendingPathComponent("preprocessing.json")
            try store.objects.export(preprocessing, to: url)
            written.append(url)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let signature = directory.appendingPathComponent("signature.json")
        try encoder.encode(["inputs": version.signature]).write(to: signature)
        let record = directory.appendingPathComponent("version.json")
        try encoder.encode(version).write(to: record)
        written += [signature, record]
        return written
    }
}
