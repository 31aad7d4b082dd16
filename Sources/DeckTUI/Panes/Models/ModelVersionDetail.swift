import DeckStore

/// One model version's detail as text lines: aliases, deployment, metrics (with the delta to
/// production), params, lineage, framework and the recent alias moves. Shown under a model's
/// versions and under the Models list for the selected model's production version. Pure: the
/// caller loads the records off the UI thread.
enum ModelVersionDetail {
    static func lines(_ v: ModelVersionRecord, production: ModelVersionRecord?, history: [AliasHistoryEntry],
                      deployment: String?) -> [(String, ThemeSlot)] {
        var out: [(String, ThemeSlot)] = []
        var head = "\(v.reference)"
        if !v.aliases.isEmpty { head += "  [\(v.aliases.joined(separator: ", "))]" }
        out.append((head, v.aliases.contains("production") ? .aliasProduction : .title))
        if let d = v.description, !d.isEmpty { out.append((d, .text)) }
        out.append(("deployment  \(deployment ?? "–")", .textDim))
        out.append(("metrics     " + v.metrics.sorted { $0.key < $1.key }.map { k, val in
            var s = "\(k) \(DisplayFormat.number(val))"
            if let p = production, p.version != v.version, let pv = p.metrics[k] { s += " (\(DisplayFormat.delta(val - pv)) vs prod)" }
            return s
        }.joined(separator: " · "), .text))
        if !v.params.isEmpty {
            out.append(("params      " + v.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "), .text))
        }
        out.append(("lineage     dataset \(v.datasetReference ?? "-") · run \(v.runID.map { String($0.prefix(8)) } ?? "-") · code \(v.codeHash.map { String($0.prefix(10)) } ?? "-")", .text))
        out.append(("framework   \(v.framework)\(v.task.map { " · \($0)" } ?? "") · \(v.signature.count) input columns", .textDim))
        if !history.isEmpty {
            out.append(("alias history", .title))
            for h in history.prefix(8) {
                let move = "\(h.fromVersion.map { "v\($0)" } ?? "–") → \(h.toVersion.map { "v\($0)" } ?? "removed")"
                out.append(("  \(DisplayFormat.time(h.time))  \(h.alias)  \(move)  by \(h.author)\(h.reason.map { " · \($0)" } ?? "")", .textDim))
            }
        }
        return out
    }
}
