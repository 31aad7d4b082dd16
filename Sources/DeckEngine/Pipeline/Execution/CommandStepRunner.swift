import DeckInput
import DeckStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `run:` steps: any command, started without a shell (unless `shell: true`) in the workspace
/// folder, in its own process group, with the MLDeck environment. Its output goes to the step's
/// log; JSON lines it appends to `MLDECK_METRICS_FILE` are recorded live; `outs` and the
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
        try FileManager.default.createDirectory(at: metricsURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: metricsURL.path, contents: nil)

        var environment = ProcessInfo.processInfo.environment
        environment["MLDECK_RUN_ID"] = context.run.id
        environment["MLDECK_WORKSPACE"] = root.path
        environment["MLDECK_METRICS_FILE"] = metricsURL.path
        environment["MLDECK_OUTPUT_DIR"] = context.outputDirectory.path
        environment["MLDECK_STEP"] = step.name
        environment["MLDECK_PIPELINE"] = context.pipeline.name
        environment["PYTHONUNBUFFERED"] = "1"
        if let dataset = context.dataset {
            environment["MLDECK_DATASET"] = dataset.label
            environment["MLDECK_DATASET_PATH"] = dataset.path.path
        }
        for (upstreamName, result) in context.upstream where context.graph.upstream(of: step.name).contains(upstreamName) {
            environment["MLDECK_INPUT_" + ShellQuoting.environmentName(upstreamName)] = result.outputDirectory.path
        }
        for (key, value) in context.params { environment["MLDECK_PARAM_" + ShellQuoting.environmentName(key)] = value }
        for (key, value) in step.environment { environment[key] = try Interpolation.apply(value, params: context.params) }

        context.log("$ \(command)")
        let child = try ChildProcess(arguments: arguments, environment: environment, directory: root.path)
        let grace = context.gracePeriod
        let stopper = context.cancellation.onCancel {
            child.signalGroup(SIGTERM)
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { child.signalGroup(SIGKILL) }
        }
        defer { context.cancellation.remove(stopper) }

        let drained = DispatchSemaphore(value: 0)
        let name = step.name
        let sink = context.sink
        Thread {
            var pending: [UInt8] = []
            child.drainOutput { bytes in
                pending.append(contentsOf: bytes)
                while let newline = pending.firstIndex(of: 0x0A) {
                    sink.log(step: name, line: String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { sink.log(step: name, line: String(decoding: pending, as: UTF8.self)) }
            drained.signal()
        }.start()

        let follower = MetricsFileFollower(url: metricsURL)
        let series = LockedBox<[MetricPoint]>([])
        let finished = DispatchSemaphore(value: 0)
        let polled = DispatchSemaphore(value: 0)
        let poller = Thread {
            while finished.wait(timeout: .now() + 0.1) == .timedOut {
                let batch = follower.poll()
                series.with { $0 += batch.points }
                Self.record(batch, skipped: follower.skippedLines, context: context)
            }
            let batch = follower.poll(final: true)
            series.with { $0 += batch.points }
            Self.record(batch, skipped: follower.skippedLines, context: context)
            polled.signal()
        }
        poller.start()
        let termination = child.wait()
        child.stopDraining(after: 1)
        drained.wait()
        finished.signal()
        polled.wait()  // the poller's last read

        if context.cancellation.isCancelled { throw CancellationError() }
        switch termination {
        case .exited(0): break
        case .exited(let code): throw StepError.commandFailed(step: step.name, status: code, signal: nil)
        case .signaled(let sig): throw StepError.commandFailed(step: step.name, status: 128 + sig, signal: sig)
        }

        var output = StepOutput()
        output.series = series.with { $0 }
        for out in step.outs {
            output.files += try collect(out, context: context, what: "outs")
        }
        if let metricsFile = step.metricsFile {
            let files = try collect(metricsFile, context: context, what: "metrics")
            output.files += files
            let data = try InputFile.read(context.outputDirectory.appendingPathComponent(files[0]).path)
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

    /// Records one poll of the step's metrics file: skipped lines are logged with their place and
    /// counted in the tag `mldeck.skipped_metric_lines.STEP`; params and tags are written
    /// separately, so a failure of one does not lose the other.
    static func record(_ batch: MetricsFileFollower.Batch, skipped: Int, context: StepContext) {
        guard !batch.isEmpty else { return }
        for problem in batch.problems { context.log("mldeck: \(problem)") }
        context.sink.metrics(step: context.step.name, batch.points)
        var tags = batch.tags
        if !batch.problems.isEmpty { tags[TrackedCommand.skippedLinesTag + "." + context.step.name] = String(skipped) }
        do { try context.store.logParams(batch.params, run: context.run) } catch { context.log("mldeck: \(error)") }
        do { try context.store.setTags(tags, run: context.run) } catch { context.log("mldeck: \(error)") }
        for path in batch.artifacts {
            let candidates = [context.outputDirectory.appendingPathComponent(path), WorkspacePath.resolve(path, in: context.store.workspace.root)]
            guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
                context.log("mldeck: artifact '\(path)' not found (looked in MLDECK_OUTPUT_DIR and the workspace)")
                continue
            }
            _ = try? context.store.logArtifact(run: context.run, path: path, file: file)
        }
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
