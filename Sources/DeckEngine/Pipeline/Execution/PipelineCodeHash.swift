import DeckStore
import Foundation

/// The code hash of a pipeline: what a run records as its code lineage and what the step cache
/// and the code-change trigger compare. Two pipelines have the same hash exactly when their
/// definitions (canonical YAML) and the contents of their steps' `deps` files are the same.
public enum PipelineCodeHash {
    /// The code hash (64 hex digits, SHA-256) of `pipeline` given the content hashes of each
    /// step's `deps` files (step name → [(path, SHA-256 of the file or folder listing)], as
    /// ``dependencies(of:workspaceRoot:configFile:)`` computes them).
    ///
    /// The result depends only on the definition and the dependency hashes, never on the order
    /// of the dictionary: steps are taken in name order, each step's files in the order given.
    public static func of(_ pipeline: PipelineSpec, dependencies: [String: [(String, String)]]) -> String {
        of(definition: pipeline.raw.plain.canonical, dependencies: dependencies)
    }

    /// The code hash of a pipeline's canonical definition text and its dependency hashes.
    public static func of(definition: String, dependencies: [String: [(String, String)]]) -> String {
        let files = dependencies.keys.sorted().flatMap { dependencies[$0] ?? [] }.map { "\($0.0)=\($0.1)" }
        return ObjectID.of(Data((definition + files.joined(separator: "\n")).utf8)).hex
    }

    /// SHA-256 of each step's `deps` files (relative to the workspace), by step.
    /// Throws ``PipelineRunError/invalid(_:)`` naming each missing or unreadable file at its `deps:` key.
    public static func dependencies(of pipeline: PipelineSpec, workspaceRoot: URL, configFile: String) throws -> [String: [(String, String)]] {
        var out: [String: [(String, String)]] = [:]
        var errors: [PipelineConfigError] = []
        for step in pipeline.steps where !step.deps.isEmpty {
            var list: [(String, String)] = []
            for path in step.deps {
                let url = WorkspacePath.resolve(path, in: workspaceRoot)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                    errors.append(PipelineConfigError(file: configFile, location: step.keyLocations["deps"],
                                                      key: "pipelines.\(pipeline.name).steps.\(step.name).deps",
                                                      message: "no file '\(path)' in the workspace (\(workspaceRoot.path))"))
                    continue
                }
                if isDirectory.boolValue {
                    let files = (FileManager.default.enumerator(atPath: url.path)?.compactMap { $0 as? String } ?? []).sorted()
                    var text = ""
                    for f in files {
                        let child = url.appendingPathComponent(f)
                        var childIsDirectory: ObjCBool = false
                        if FileManager.default.fileExists(atPath: child.path, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                            text += f + "=" + ((try? FileHashing.sha256(of: child)) ?? "?") + "\n"
                        }
                    }
                    list.append((path, ObjectID.of(Data(text.utf8)).hex))
                } else {
                    do { list.append((path, try FileHashing.sha256(of: url))) } catch {   // a FIFO or device: said at its key
                        errors.append(PipelineConfigError(file: configFile, location: step.keyLocations["deps"], key: "pipelines.\(pipeline.name).steps.\(step.name).deps", message: "\(error)"))
                    }
                }
            }
            out[step.name] = list
        }
        if !errors.isEmpty { throw PipelineRunError.invalid(PipelineConfigErrors(errors)) }
        return out
    }
}
