import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the step cache keeps of a step: its output files (as objects), metrics, series, facts.
struct StepManifest: Codable, Sendable {
    struct File: Codable, Sendable { var path: String; var object: String; var size: Int64 }
    var format = 1
    var files: [File]
    var metrics: [String: Double]
    /// key → [[step, value], …]
    var series: [String: [[Double]]]
    var facts: [String: String]
    var notices: [String]

    /// Hash of the outputs: what downstream cache keys depend on.
    var outputHash: String {
        var text = "files:"
        for f in files.sorted(by: { $0.path < $1.path }) { text += f.path + "=" + f.object + ";" }
        text += "metrics:" + metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.bitPattern)" }.joined(separator: ";")
        text += "facts:" + facts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        return ObjectID.of(Data(text.utf8)).hex
    }

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    static func decode(_ data: Data) throws -> StepManifest {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(StepManifest.self, from: data)
    }

    /// The step output this manifest describes (series stamped `now`).
    func output(now: Double) -> StepOutput {
        var out = StepOutput()
        out.files = files.map(\.path)
        out.metrics = metrics
        out.facts = facts
        out.notices = notices
        for (key, points) in series.sorted(by: { $0.key < $1.key }) {
            // A damaged manifest must not trap: a step that is not a whole number drops the point.
            for p in points where p.count == 2 {
                guard let step = Int64(exactly: p[0]) else { continue }
                out.series.append(MetricPoint(key: key, value: p[1], step: step, timestamp: now))
            }
        }
        return out
    }
}

/// Cache keys, storing outputs, and restoring them on a hit.
enum StepCacheKeys {
    /// The engine version, part of every built-in's key.
    static let engineVersion = "mldeck-0.1.0/pipeline-1"

    /// The key of a step: its resolved definition, params (for commands), the dataset version,
    /// every upstream step's outputs, its `deps` files and, for built-ins, the engine version.
    static func key(step: StepSpec, arguments: [(key: String, value: ConfigValue)], command: String?, params: [String: String],
                    dataset: ResolvedDataset?, upstream: [StepResult], depsHashes: [(String, String)], extra: [String]) -> String {
        var parts: [String] = ["mldeck-step-cache/1", "kind=" + step.action.kind]
        switch step.action {
        case .builtin: parts.append("engine=" + engineVersion)
        case .command(_, let shell):
            parts.append("command=" + (command ?? "") + "|shell=\(shell)")
            parts.append("params=" + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}"))
            parts.append("outs=" + step.outs.joined(separator: "\u{1}") + "|metrics=" + (step.metricsFile ?? ""))
            parts.append("env=" + step.environment.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1}"))
        }
        parts.append("with=" + PlainValue.map(arguments.map { ($0.key, $0.value.plain) }).canonical)
        parts.append("dataset=" + (dataset?.contentHash ?? "-"))
        for u in upstream.sorted(by: { $0.name < $1.name }) { parts.append("up:\(u.name)=\(u.outputHash)") }
        for (path, hash) in depsHashes { parts.append("dep:\(path)=\(hash)") }
        parts += extra.map { "extra=" + $0 }
        return ObjectID.of(Data(parts.joined(separator: "\n").utf8)).hex
    }

    /// Stores the outputs' files as objects, then the manifest; returns the manifest and its id
    /// (nil when `keepManifest` is false: a step that is never cached has nothing to point at its
    /// manifest, which would be an orphan in the object store after every run).
    static func store(_ output: StepOutput, directory: URL, objects: ObjectStore, keepManifest: Bool = true) throws -> (StepManifest, ObjectID?) {
        let batch = ObjectWriteBatch(store: objects)
        var files: [StepManifest.File] = []
        for path in output.files {
            let url = directory.appendingPathComponent(path)
            let id = try batch.putFile(at: url)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)??.int64Value ?? 0
            files.append(StepManifest.File(path: path, object: id.hex, size: size))
        }
        var series: [String: [[Double]]] = [:]
        for p in output.series { series[p.key, default: []].append([Double(p.step), p.value]) }
        let manifest = StepManifest(files: files, metrics: output.metrics, series: series, facts: output.facts, notices: output.notices)
        let id = keepManifest ? try batch.put(try manifest.jsonData()) : nil
        try batch.commit()
        return (manifest, id)
    }

    /// Puts the cached files in the step's output folder (hard links to the objects, or copies).
    static func restore(_ manifest: StepManifest, into directory: URL, objects: ObjectStore) throws {
        let fm = FileManager.default
        for file in manifest.files {
            guard let id = ObjectID(hex: file.object) else { continue }
            let destination = directory.appendingPathComponent(file.path)
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            unlink(destination.path)
            if link(objects.path(of: id), destination.path) != 0 {
                try objects.export(id, to: destination)
            }
        }
    }
}
