import Foundation

extension PipelineValidator {
    /// Things in `mldeck.yaml` that are valid but do nothing yet, so that nobody relies on a
    /// section that no command reads. Printed by `validate` as notes; never errors.
    public func notes(in config: WorkspaceConfig) -> [PipelineConfigError] {
        var notes: [PipelineConfigError] = []
        // triggers: are run by `mldeck agent`; monitors: and on_alert: are read by `mldeck monitor`
        // and the agent (MonitorSpecParser).
        for (key, value) in config.sections.sorted(by: { $0.key < $1.key }) where key != "on_alert" {
            notes.append(PipelineConfigError(file: file, location: value.location, key: key,
                                             message: "not used yet: no command reads `\(key):` in this version"))
        }
        return notes
    }

    /// `evaluate`'s `metrics:` names, checked before a run that would fail on them.
    func checkEvaluateMetrics(_ step: StepSpec, path: String, add: (ConfigLocation?, String, String) -> Void) {
        guard let value = step.argument("metrics") else { return }
        let names: [String]
        switch value {
        case .scalar(let text, _, _): names = [text]
        case .list(let items, _): names = items.compactMap(\.text)
        case .map:
            add(step.keyLocations["with.metrics"], "\(path).with.metrics", "expected a list of metric names, found a mapping")
            return
        }
        let known = Array(Set(EvaluateStep.metricAliases.values)).sorted()
        for name in names where EvaluateStep.metricAliases[name.lowercased()] == nil && !name.contains("${") {
            let hint = Suggestion.closest(to: name, in: Array(EvaluateStep.metricAliases.keys)).map { " (did you mean '\($0)'?)" } ?? ""
            add(step.keyLocations["with.metrics"], "\(path).with.metrics", "unknown metric '\(name)'\(hint); metrics: \(known.joined(separator: ", "))")
        }
    }
}
