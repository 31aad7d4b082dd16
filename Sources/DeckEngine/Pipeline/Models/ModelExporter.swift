import DeckML
import DeckStore
import Foundation

/// `mldeck models export NAME[@V] DIR`: the model as XGBoost JSON (loads in Python's
/// `xgboost.Booster`), its preprocessing spec, input signature and version record, and — for a
/// version with preprocessing — `mldeck_model.py`, which scores a pandas DataFrame exactly as
/// `models predict` does, with a README.md on using it.
public enum ModelExporter {
    /// Files written into the folder (`preprocessing.json` and `mldeck_model.py` only for a
    /// version with a preprocessing spec).
    public static let files = ["model.json", "preprocessing.json", "signature.json", "version.json", PythonLoaderSource.fileName, ExportReadme.fileName]

    /// Writes the version's files into the folder `directory` through ``SafeOutput``: a new
    /// folder beside it renamed into place. An existing `directory` is replaced only with `force`,
    /// and only when it is empty or an earlier export (never a folder with other files, nor the
    /// workspace's `.mldeck/`). Returns the paths of the files in their final place.
    @discardableResult
    public static func export(_ version: ModelVersionRecord, store: any StoreBase, to directory: URL, force: Bool = false) throws -> [URL] {
        let target = try SafeOutput.prepare(directory.path, kind: .folder, force: force, workspaceState: store.workspace.stateDirectory)
        let temporary = URL(fileURLWithPath: target.temporary, isDirectory: true)
        var names: [String] = []
        do {
            try store.objects.export(version.modelObject, to: temporary.appendingPathComponent("model.json"))
            names.append("model.json")
            var spec: PreprocessingSpec?
            if let preprocessing = version.preprocessingObject {
                try store.objects.export(preprocessing, to: temporary.appendingPathComponent("preprocessing.json"))
                names.append("preprocessing.json")
                spec = try PreprocessingSpec.decode(try store.objects.read(preprocessing))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            try FileSystemError.wrapping(path: target.destination, operation: "write the export into") {
                try encoder.encode(["inputs": version.signature]).write(to: temporary.appendingPathComponent("signature.json"))
                try encoder.encode(version).write(to: temporary.appendingPathComponent("version.json"))
            }
            names += ["signature.json", "version.json"]
            try FileSystemError.wrapping(path: target.destination, operation: "write the export into") {
                if spec != nil {
                    try Data(PythonLoaderSource.text.utf8).write(to: temporary.appendingPathComponent(PythonLoaderSource.fileName))
                    names.append(PythonLoaderSource.fileName)
                }
                try Data(ExportReadme.text(version: version, spec: spec).utf8).write(to: temporary.appendingPathComponent(ExportReadme.fileName))
                names.append(ExportReadme.fileName)
            }
            try target.commit()
        } catch {
            target.discard()
            throw FileSystemError.wrap(error, path: target.destination, operation: "write the export into")
        }
        let final = URL(fileURLWithPath: target.destination, isDirectory: true)
        return names.map { final.appendingPathComponent($0) }
    }
}
