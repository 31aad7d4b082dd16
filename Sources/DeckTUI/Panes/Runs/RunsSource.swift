import DeckStore
import Foundation

/// The runs behind the Runs table, fetched page by page off the UI thread.
///
/// Filtering and ordering happen in SQL (the tracking filter language, the same as
/// `mldeck runs list`); only the pages the table shows are fetched (``pageSize`` runs each), so
/// 100,000 runs cost a count and a page. A new filter or sort starts a new *generation*: queries
/// of older generations that have not started are skipped, and results of older generations are
/// dropped, so typing a filter never waits for the previous query. Rows on screen stay until the
/// new ones arrive. ``refresh()`` re-reads what is on screen after another process wrote.
@MainActor
public final class RunsSource {
    /// A filter (tracking filter language, empty for all runs) and an order.
    public struct Query: Sendable, Equatable {
        public var filter: String
        public var order: [RunOrder]
        public init(filter: String = "", order: [RunOrder] = []) { self.filter = filter; self.order = order }
    }

    /// A query that failed: the message and the 1-based column in the filter (nil when the
    /// failure is not the filter's, such as a busy database: no caret is drawn).
    public struct QueryError: Sendable, Equatable {
        public var message: String
        public var column: Int?
    }

    enum Message: Sendable {
        case page(generation: Int, round: Int, index: Int, rows: [RunRow], total: Int?, progress: [String: Double])
        case count(generation: Int, total: Int)
        case failed(generation: Int, QueryError)
    }

    public let store: DeckStore
    public let pageSize: Int
    public private(set) var query: Query
    /// Matching runs (of the displayed query), nil while they are being counted.
    public private(set) var total: Int?
    /// Rows known so far while the count runs (the first page arrives before the count).
    private var provisionalCount = 0
    /// The new query only reorders: the count stays valid.
    private var carryTotal = false
    public private(set) var error: QueryError?
    /// Keys seen on fetched rows, for the column chooser and filter completion.
    public private(set) var metricKeys: Set<String> = []
    public private(set) var paramKeys: Set<String> = []
    public private(set) var tagKeys: Set<String> = []
    /// Bumped whenever what ``row(at:)`` returns may have changed.
    public private(set) var version = 0
    /// The first page of the first query has arrived.
    public private(set) var hasLoaded = false

    /// Running runs' progress from their pipeline steps, by run id.
    public private(set) var progress: [String: Double] = [:]
    private var pages: [Int: [RunRow]] = [:]
    private var stalePages: Set<Int> = []
    private var requested: Set<Int> = []
    private var generation = 0
    private var displayedGeneration = 0
    private var round = 0
    private let worker = QueryWorker(label: "runs")
    private let mailbox = Mailbox<Message>()

    public init(store: DeckStore, query: Query = Query(), pageSize: Int = 200) {
        self.store = store; self.query = query; self.pageSize = pageSize
        generation = worker.nextGeneration()
        displayedGeneration = generation
        requestPage(0, countToo: true)
    }

    /// Whether the shown rows are older than the query asked for (a filter or sort in flight).
    public var isLoading: Bool { displayedGeneration != generation || !requested.isEmpty }

    /// Rows the table can show (the rows loaded so far until the count arrives).
    public var rowCount: Int { total ?? provisionalCount }

    /// Whether the count of the shown query is still running.
    public var isCounting: Bool { total == nil }

    /// Changes the filter and/or order. The syntax is checked at once (errors show without a
    /// query); a valid query is sent to the background queue.
    public func setQuery(_ newQuery: Query) {
        guard newQuery != query || error != nil else { return }
        let sameFilter = newQuery.filter == query.filter && error == nil
        query = newQuery
        if !newQuery.filter.allSatisfy(\.isWhitespace) {
            do { _ = try FilterExpression.parse(newQuery.filter) } catch let e as FilterError {
                error = QueryError(message: e.message, column: e.column); version += 1; return
            } catch { self.error = QueryError(message: "\(error)", column: nil); version += 1; return }
        }
        error = nil
        generation = worker.nextGeneration()
        round = 0
        requested = []
        carryTotal = sameFilter && total != nil
        requestPage(0, countToo: !carryTotal)
        version += 1
    }

    /// Re-reads the count and the pages on screen (another process wrote to the store).
    public func refresh() {
        round += 1
        stalePages = Set(pages.keys)
        requested = []
        requestPage(0, countToo: true)
    }

    /// The run at `index`, or nil while its page loads (the page is requested).
    public func row(at index: Int) -> RunRow? {
        guard index >= 0 else { return nil }
        let p = index / pageSize
        if displayedGeneration == generation && (pages[p] == nil || stalePages.contains(p)) { requestPage(p, countToo: false) }
        guard let page = pages[p] else { return nil }
        let i = index - p * pageSize
        return i < page.count ? page[i] : nil
    }

    /// Loads pages around `index` ahead of need (when the selection nears a page edge).
    public func prefetch(around index: Int) {
        guard displayedGeneration == generation else { return }
        for p in [(index - pageSize / 4) / pageSize, (index + pageSize / 4) / pageSize] where p >= 0 && p * pageSize < rowCount {
            if pages[p] == nil || stalePages.contains(p) { requestPage(p, countToo: false) }
        }
    }

    /// Rows already fetched (the first pages), for choosing default columns.
    public var loadedRows: [RunRow] { pages.keys.sorted().flatMap { pages[$0]! } }

    private func requestPage(_ p: Int, countToo: Bool) {
        guard !requested.contains(p) else { return }
        requested.insert(p)
        let gen = generation, rnd = round, q = query, size = pageSize
        let store = self.store, mailbox = self.mailbox
        worker.submit(generation: gen) {
            do {
                let rows = try store.listRuns(RunQuery(filter: q.filter.isEmpty ? nil : q.filter, orderBy: q.order,
                                                       limit: size, offset: p * size))
                // A short first page is the whole result: no need to count.
                let count: Int? = countToo && p == 0 && rows.count < size ? rows.count : nil
                var progress: [String: Double] = [:]
                for r in rows where r.run.status == .running {
                    let steps = (try? store.runSteps(r.run.id)) ?? []
                    if let f = RunProgress.fraction(steps: steps.map { ($0.status.isFinal, $0.progress) }) { progress[r.run.id] = f }
                }
                mailbox.post(.page(generation: gen, round: rnd, index: p, rows: rows, total: count, progress: progress))
                // The page is on screen first; the count follows.
                if countToo && count == nil {
                    mailbox.post(.count(generation: gen, total: try store.countRuns(RunQuery(filter: q.filter.isEmpty ? nil : q.filter))))
                }
            } catch let e as FilterError {
                mailbox.post(.failed(generation: gen, QueryError(message: e.message, column: e.column)))
            } catch {
                mailbox.post(.failed(generation: gen, QueryError(message: "\(error)", column: nil)))
            }
        }
    }

    /// Applies results that arrived; returns whether anything changed. Call from `tick`.
    @discardableResult
    public func applyResults() -> Bool {
        let messages = mailbox.take()
        guard !messages.isEmpty else { return false }
        var changed = false
        for m in messages {
            switch m {
            case .page(let gen, let rnd, let index, let rows, let count, let stepProgress):
                guard gen == generation else { continue }
                for r in rows where r.run.status != .running { progress.removeValue(forKey: r.run.id) }
                progress.merge(stepProgress) { _, new in new }
                if rnd == round { requested.remove(index) }
                if displayedGeneration != gen {
                    pages = [:]; stalePages = []; displayedGeneration = gen
                    if !carryTotal { total = nil }
                }
                pages[index] = rows
                if rnd == round { stalePages.remove(index) }
                if let count { total = count }
                provisionalCount = provisionalCount(for: index, rows: rows.count)
                for r in rows {
                    for k in r.metrics.keys where !metricKeys.contains(k) { metricKeys.insert(k) }
                    for k in r.params.keys where !paramKeys.contains(k) { paramKeys.insert(k) }
                    for k in r.tags.keys where !tagKeys.contains(k) { tagKeys.insert(k) }
                }
                hasLoaded = true
                changed = true
            case .count(let gen, let n):
                guard gen == generation else { continue }
                total = n
                changed = true
            case .failed(let gen, let e):
                guard gen == generation else { continue }
                requested = []
                error = e
                changed = true
            }
        }
        if changed { version += 1 }
        return changed
    }

    /// Rows known from the loaded pages (the count is not known yet).
    private func provisionalCount(for index: Int, rows: Int) -> Int {
        let loaded = pages.keys.map { $0 * pageSize + (pages[$0]?.count ?? 0) }.max() ?? 0
        return max(loaded, index * pageSize + rows)
    }

    /// Blocks until queued queries ran and applies their results (tests, benchmarks).
    public func waitForResults() {
        worker.drain()
        applyResults()
    }
}
