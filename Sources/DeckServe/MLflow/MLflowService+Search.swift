import DeckStore
import Foundation

extension MLflowService {
    /// `runs/search`: MLflow's filter (MLDeck's filter language is a superset), `order_by`,
    /// `run_view_type`, and pages with an opaque `next_page_token`.
    func searchRuns(_ p: MLflowParams) throws -> String {
        let maxResults = try MLflowLimits.maxResults(try p.int64("max_results"), default: 1000)
        let offset = try MLflowJSON.offset(fromToken: try p.string("page_token"))
        let view = try RunViewType(try p.string("run_view_type"))
        let experiments = try p.strings("experiment_ids").map { try experiment(id: $0) }
        var filters: [String] = []
        if let filter = try p.string("filter"), !filter.allSatisfy(\.isWhitespace) {
            do { _ = try FilterExpression.parse(filter) } catch { throw MLflowError.invalid("Invalid filter '\(filter)': \(error)") }
            filters.append("(\(filter))")
        }
        var experimentName: String?
        if experiments.count == 1 {
            experimentName = experiments[0].name
        } else if experiments.count > 1 {
            filters.append("experiment IN (" + experiments.map { Self.quoted($0.name) }.joined(separator: ", ") + ")")
        }
        var order: [RunOrder] = []
        for text in try p.strings("order_by") where !text.allSatisfy(\.isWhitespace) {
            do { order += try RunOrder.parseList(text) } catch { throw MLflowError.invalid("Invalid order_by clause '\(text)': \(error)") }
        }
        let query = RunQuery(filter: filters.isEmpty ? nil : filters.joined(separator: " AND "), orderBy: order,
                             limit: maxResults + 1, offset: offset, experiment: experimentName, deleted: view.deletedRuns)
        let rows: [RunRow]
        do { rows = try store.listRuns(query) } catch let error as MLflowError { throw error } catch {
            throw MLflowError.invalid("Invalid search: \(error)")
        }
        var ids: [String: String] = [:]
        for e in try store.experimentRecords() { ids[e.name] = mlflowID(e) }
        let page = Array(rows.prefix(maxResults))
        let experimentIDs = ids
        // A page of 1,000 runs is ~1 MB of JSON, a fifth of the answer's time: the two halves are
        // written at once on the two cores, then joined.
        let halves = ConcurrentHalves.map(page.count) { range in
            var json = JSONText(capacity: range.count * 1_200)  // a run with 10 params and 5 metrics: ~1.1 kB
            for i in range {
                if i > range.lowerBound { json.raw(",") }
                let row = page[i]
                let metrics = row.metricSummaries.map { summary in
                    (key: summary.key, value: summary.last, timestamp: MLflowJSON.millis(summary.lastTime ?? 0), step: summary.lastStep)
                }
                MLflowJSON.run(row.run, experimentID: experimentIDs[row.run.experiment] ?? "0", params: row.params, tags: row.tags,
                               metrics: metrics, into: &json)
            }
            return json
        }
        var json = JSONText(capacity: halves.reduce(64) { $0 + $1.bytes.count })
        json.raw("{"); json.key("runs"); json.raw("[")
        for (i, half) in halves.enumerated() {
            if i > 0 { json.raw(",") }  // both halves hold runs when there are two
            json.append(half)
        }
        json.raw("]")
        if rows.count > maxResults {
            json.raw(","); json.key("next_page_token"); json.string(MLflowJSON.pageToken(offset: offset + maxResults))
        }
        json.raw("}")
        return json.text
    }

    /// A string literal of the filter language.
    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// `metrics/get-history`: every point of one metric, in logging order by step, paged.
    func metricHistory(_ p: MLflowParams) throws -> String {
        let record = try run(p)
        let key = try p.required("metric_key")
        let maxResults = try MLflowLimits.maxResults(try p.int64("max_results"), default: 25_000)
        let offset = try MLflowJSON.offset(fromToken: try p.string("page_token"))
        let series = try store.metricSeries(run: record.handle, key: key)
        let page = series.dropFirst(offset).prefix(maxResults)
        var json = JSONText()
        json.raw("{"); json.key("metrics"); json.raw("[")
        for (i, point) in page.enumerated() {
            if i > 0 { json.raw(",") }
            MLflowJSON.metric(key: key, value: point.value, timestamp: MLflowJSON.millis(point.timestamp), step: point.step, into: &json)
        }
        json.raw("]")
        if offset + page.count < series.count {
            json.raw(","); json.key("next_page_token"); json.string(MLflowJSON.pageToken(offset: offset + page.count))
        }
        json.raw("}")
        return json.text
    }
}
