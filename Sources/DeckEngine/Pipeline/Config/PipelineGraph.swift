/// The `needs` DAG of a pipeline: topological order, upstream sets, and cycle detection.
public struct PipelineGraph: Sendable {
    /// Step names in file order.
    public let names: [String]
    /// `needs` per step (only names that exist).
    public let needs: [String: [String]]

    public init(_ pipeline: PipelineSpec) {
        names = pipeline.steps.map(\.name)
        var needs: [String: [String]] = [:]
        let known = Set(names)
        for step in pipeline.steps { needs[step.name] = step.needs.filter { known.contains($0) } }
        self.needs = needs
    }

    /// A cycle as a path that returns to its start (`a → b → a`), or nil.
    public func cycle() -> [String]? {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ n: String) -> [String]? {
            state[n] = 1; stack.append(n)
            for m in needs[n] ?? [] {
                if state[m] == 1, let start = stack.firstIndex(of: m) { return Array(stack[start...]) + [m] }
                if state[m] == nil, let found = visit(m) { return found }
            }
            stack.removeLast(); state[n] = 2
            return nil
        }
        for n in names where state[n] == nil {
            if let found = visit(n) { return found }
        }
        return nil
    }

    /// Steps in an order where each comes after what it needs (file order among equals).
    public func topologicalOrder() -> [String] {
        var done = Set<String>(), order: [String] = []
        while order.count < names.count {
            guard let next = names.first(where: { !done.contains($0) && (needs[$0] ?? []).allSatisfy(done.contains) }) else { break }
            done.insert(next); order.append(next)
        }
        return order
    }

    /// Every step `name` needs, directly or not.
    public func upstream(of name: String) -> Set<String> {
        var seen = Set<String>(), queue = needs[name] ?? []
        while let n = queue.popLast() {
            if seen.insert(n).inserted { queue += needs[n] ?? [] }
        }
        return seen
    }

    /// The nearest upstream steps (breadth first) satisfying `matches`, closest first.
    public func nearestUpstream(of name: String, where matches: (String) -> Bool) -> [String] {
        var seen = Set<String>(), frontier = needs[name] ?? [], found: [String] = []
        while !frontier.isEmpty {
            var next: [String] = []
            for n in frontier where seen.insert(n).inserted {
                if matches(n) { found.append(n) }
                next += needs[n] ?? []
            }
            if !found.isEmpty { return found }
            frontier = next
        }
        return found
    }
}
