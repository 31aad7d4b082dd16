@testable import DeckEngine
@testable import DeckServe
import Foundation

/// Request bodies of the two servers: scoring (`/invocations`), `/feedback`, and MLflow's REST API.
enum HTTPFuzz {
    /// The content types a scoring body may come with; the first byte picks one.
    static let contentTypes: [String?] = [nil, "application/json", "text/csv", "text/csv; charset=utf-8",
                                          "application/json; format=pandas-split", "application/octet-stream"]

    /// A small model signature: a number, a category (one-hot) and an ordinal text column.
    static let spec = PreprocessingSpec(
        target: "churn", task: .binary, classes: ["No", "Yes"],
        inputs: [
            InputColumn(name: "tenure", type: "integer", encoding: .numeric, categories: nil, offset: 0, width: 1),
            InputColumn(name: "contract", type: "categorical", encoding: .onehot, categories: ["Month", "Year"], offset: 1, width: 2),
            InputColumn(name: "city", type: "text", encoding: .ordinal, categories: ["A", "B", "C"], offset: 3, width: 1),
        ],
        featureNames: ["tenure", "contract=Month", "contract=Year", "city"], excluded: [])

    /// Parse the body, then check it against the signature as `/invocations` does (strict or not).
    static func scoring(_ bytes: [UInt8]) {
        guard let flags = bytes.first else { return }
        let contentType = contentTypes[Int(flags) % contentTypes.count]
        let body = Array(bytes.dropFirst())
        splitReaderAgrees(body, knownColumns: flags & 0x40 != 0 ? spec.inputs.map(\.name) : nil)
        guard let frame = try? ScoringRequestParser.parse(body, contentType: contentType) else { return }
        _ = frame.columnNames
        _ = try? InputTableBuilder(spec: spec, strictColumns: flags & 0x80 != 0).build(frame)
    }

    /// A body the one-pass `dataframe_split` reader takes reads to the same columns and cells
    /// through the general parser's tree (``SplitBodyReader``'s promise); anything else traps.
    static func splitReaderAgrees(_ body: [UInt8], knownColumns: [String]?) {
        guard let (columns, cells) = SplitBodyReader.read(body, knownColumns: knownColumns) else { return }
        guard case .json(let treeColumns, let treeCells)? = try? ScoringRequestParser.tree(body), treeColumns == columns,
              treeCells.rowCount == cells.rowCount, treeCells.columnCount == cells.columnCount, treeCells.rowMajor,
              treeCells.values.count == cells.values.count, zip(treeCells.values, cells.values).allSatisfy({ JSONValue.sameBits($0, $1) }) else {
            fatalError("SplitBodyReader read differently from the tree: \(String(decoding: body, as: UTF8.self))")
        }
    }

    static func feedback(_ bytes: [UInt8]) {
        _ = try? FeedbackRequest.parse(bytes, model: "churn-model", now: 1_790_000_000)
    }

    /// The keys MLflow's handlers read, through each typed reader.
    static let keys = ["run_id", "experiment_id", "experiment_ids", "key", "value", "timestamp", "step",
                       "name", "status", "end_time", "start_time", "max_results", "page_token", "filter",
                       "order_by", "metrics", "params", "tags", "run_view_type", "run_name", "path"]

    /// A body through the field readers, nested objects (log-batch) included; page tokens and
    /// experiment filters from the strings found.
    static func mlflow(_ bytes: [UInt8]) {
        if let flags = bytes.first, flags & 1 == 1 {
            fields(MLflowParams(queryString: FuzzTarget.text(Array(bytes.dropFirst()))))
            return
        }
        guard let params = try? MLflowParams(body: bytes) else { return }
        fields(params)
        for key in ["metrics", "params", "tags"] {
            for item in (try? params.objects(key)) ?? [] {
                fields(item)
                _ = try? MLflowService.metricPoint(item)
            }
        }
    }

    static func fields(_ p: MLflowParams) {
        for key in keys {
            let text = try? p.string(key)
            _ = try? p.required(key)
            let number = try? p.int64(key)
            _ = try? p.double(key)
            _ = try? p.strings(key)
            if let text {
                _ = try? MLflowJSON.offset(fromToken: text)
                _ = try? MLflowService.runStatus(text)
                _ = try? ExperimentFilter.matches(text, name: "churn", tags: ["team": "a"])
                _ = try? MLflowLimits.checkKey(text, what: "metric")
            }
            _ = try? MLflowLimits.maxResults(number ?? nil, default: 1000)
        }
        _ = try? MLflowService.metricPoint(p)
    }
}
