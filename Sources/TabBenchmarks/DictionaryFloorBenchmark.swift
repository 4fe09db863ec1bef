import TabSync

/// The fanout workload with everything but the state documents taken away: build each update's
/// partial document and write it into every other tab's dictionary, nothing else (no store, no
/// message, no channel, no scheduler). No implementation that keeps state as `[String: JSONValue]`,
/// as the spec's stores do, can deliver faster than this; it shows how much of a fanout delivery is
/// the engine and how much is the document itself.
public struct DictionaryFloorBenchmark {
    public let tabs: Int
    public let updates: Int

    public init(tabs: Int, updates: Int) {
        self.tabs = tabs
        self.updates = updates
    }

    /// Runs the workload; returns how many writes changed a document (`updates * (tabs - 1)`).
    public func run() -> Int {
        var documents = [StateDocument](repeating: ["theme": "light", "counter": 0], count: tabs - 1)
        var applied = 0
        for n in 0..<updates {
            let partial: StateDocument = [
                "theme": .string(n % 2 == 0 ? "dark" : "light"), "counter": .number(Double(n + 1)),
            ]
            for i in documents.indices where Self.write(partial, into: &documents[i]) { applied += 1 }
        }
        return applied
    }

    @inline(never)
    private static func write(_ partial: StateDocument, into document: inout StateDocument) -> Bool {
        var changed = false
        for (key, value) in partial where document.updateValue(value, forKey: key) != value { changed = true }
        return changed
    }

    /// Runs the workload `rounds` times and reports the best rate.
    public func measure(rounds: Int = 3) -> BenchmarkResult {
        let best = bestRate(rounds: rounds, run)
        return BenchmarkResult(name: "floor.tabs\(tabs).deliveries_per_s", value: best.rounded(), unit: "deliveries/s")
    }
}
