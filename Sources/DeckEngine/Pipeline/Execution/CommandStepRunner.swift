import DeckInput
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `run:` steps: any command, started without a shell (unless `shell: true`) in the workspace
/// folder through the run's ``StepExecutor`` and recorded by a ``RunRecorder``, with the MLDeck
/// environment plus `MLDECK_STEP`, `MLDECK_PIPELINE`, `MLDECK_DATASET[_PATH]` and
/// `MLDECK_INPUT_<STEP>`. Its output goes to the step's log; JSON lines it appends to `MLDECK_METRICS_FILE` are recorded live; `outs` and the
/// `metrics:` file are looked up in `MLDECK_OUTPUT_DIR` first, then in the workspace, and stored
/// with the run. Cancellation sends SIGTERM to its group, then SIGKILL after the grace period.
struct CommandStepRunner: StepRunner {
    var cacheable: Bool { true }

    func run(_ context: StepContext) throws -> StepOutput {
        let step = context.step
        guard case .command(let template, let shell) = step.action else { throw StepError.failed(step: step.name, message: "not a command") }
        let command = try Interpolation.apply(template, params: context.params)
        let arguments = shell ? ["/bin/sh", "-c", command] : try CommandLineSplitter.split(command)
        let root = context.store.workspace.root
        let metricsURL = context.logURL.deletingLastPathComponent().appendingPathComponent("\(step.name).metrics.jsonl")

        var environment = RunRecorder.environment(run: context.run.id, workspace: root, metricsFile: metricsURL,
                                                  outputDirectory: context.outputDirectory, params: context.params)
        environment["MLDECK_STEP"] = step.name
        environment["MLDECK_PIPELINE"] = context.pipeline.name
        var inputs: [String] = []
        if let dataset = context.dataset {
            environment["MLDECK_DATASET"] = dataset.label
            environment["MLDECK_DATASET_PATH"] = dataset.path.path
            inputs.append(dataset.path.path)
        }
        for (upstreamName, result) in context.upstream where context.graph.upstream(of: step.name).contains(upstreamName) {
            environment["MLDECK_INPUT_" + ShellQuoting.environmentName(upstreamName)] = result.outputDirectory.path
            inputs.append(result.outputDirectory.path)
        }
        for (key, value) in step.environment { environment[key] = try Interpolation.apply(value, params: context.params) }
        let job = StepJob(name: "\(context.run.id)/\(step.name)", arguments: arguments, environment: environment,
                          workingDirectory: root.path, inputs: inputs.sorted(),
                          outputs: [context.outputDirectory.path, metricsURL.path],
                          limits: .init(timeout: context.timeout, gracePeriod: context.gracePeriod))

        context.log("$ \(command)")
        let name = step.name
        let sink = context.sink
        let recorder = RunRecorder(
            settings: .init(store: context.store, run: context.run, metricsFile: metricsURL, outputDirectory: context.outputDirectory,
                            lookupFolder: root, skippedLinesTag: TrackedCommand.skippedLinesTag + "." + name),
            outlets: .init(line: { output in for line in RunRecorder.lines(of: output) { sink.log(step: name, line: line) } },
                           note: { note in sink.log(step: name, line: note) },
                           metrics: { points in sink.metrics(step: name, points) }))
        let recording = try recorder.record(job, executor: context.executor, cancellation: context.cancellation)

        if context.cancellation.isCancelled { throw CancellationError() }
        let exit = recording.exit
        if exit.timedOut { throw StepError.timedOut(step: step.name, seconds: context.timeout ?? 0) }
        if let signal = exit.signal { throw StepError.commandFailed(step: step.name, status: 128 + signal, signal: signal) }
        if let code = exit.exitCode, code != 0 { throw StepError.commandFailed(step: step.name, status: code, signal: nil) }

        var output = StepOutput()
        output.series = recording.series
        for out in step.outs {
            output.files += try collect(out, context: context, what: "outs")
        }
        if let metricsFile = step.metricsFile {
            let files = try collect(metricsFile, context: context, what: "metrics")
            output.files += files
            guard let file = files.first else {
                throw StepError.failed(step: step.name, message: "metrics: '\(metricsFile)' is a folder with no file in it")
            }
            let data = try InputFile.read(context.outputDirectory.appendingPathComponent(file).path)
            output.metrics = try MetricsJSON.flatten(data, file: metricsFile, step: step.name)
        }
        output.files = Array(Set(output.files)).sorted()
        return output
    }

    /// Finds `path` in the output folder or the workspace; copies workspace files into the output
    /// folder. Returns the paths (relative to the output folder) of the files found.
    func collect(_ path: String, context: StepContext, what: String) throws -> [String] {
        let fm = FileManager.default
        let inOutput = context.outputDirectory.appendingPathComponent(path)
        let inWorkspace = WorkspacePath.resolve(path, in: context.store.workspace.root)
        var isDirectory: ObjCBool = false
        if !fm.fileExists(atPath: inOutput.path, isDirectory: &isDirectory) {
            guard fm.fileExists(atPath: inWorkspace.path, isDirectory: &isDirectory) else {
                throw StepError.failed(step: context.step.name, message: "\(what): '\(path)' was not written (looked in MLDECK_OUTPUT_DIR and the workspace)")
            }
            do { try InputFile.checkFileOrFolder(inWorkspace.path) } catch {
                throw StepError.failed(step: context.step.name, message: "\(what): \(error)")
            }
            try fm.createDirectory(at: inOutput.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: inWorkspace, to: inOutput)
        }
        guard isDirectory.boolValue else { return [path] }
        let files = (fm.enumerator(atPath: inOutput.path)?.compactMap { $0 as? String } ?? []).filter { f in
            var d: ObjCBool = false
            return fm.fileExists(atPath: inOutput.appendingPathComponent(f).path, isDirectory: &d) && !d.boolValue
        }
        return files.map { path + "/" + $0 }.sorted()
    }
}

/// A `metrics:` file: a JSON object of names to numbers, nested objects flattened with dots.
enum MetricsJSON {
    static func flatten(_ data: Data, file: String, step: String) throws -> [String: Double] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw StepError.failed(step: step, message: "metrics: '\(file)' is not a JSON object of names to numbers")
        }
        var out: [String: Double] = [:]
        func walk(_ value: Any, _ prefix: String) {
            if let dict = value as? [String: Any] {
                for (k, v) in dict { walk(v, prefix.isEmpty ? k : prefix + "." + k) }
            } else if let n = value as? NSNumber {
                out[prefix] = n.doubleValue
            }
        }
        walk(object, "")
        return out
    }
}
