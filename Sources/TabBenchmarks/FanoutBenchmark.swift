import TabSync

/// The fanout workload, the same as `Benchmarks/node-broadcastchannel.mjs` runs on Node's
/// BroadcastChannel: one tab makes `updates` state changes (a string key alternating and a counter),
/// every other tab receives and applies each one through the engine's full pipeline (store change,
/// diff, filter, channel, validation, conflict resolution, store apply), throttle and debounce off,
/// over the in-memory hub with zero latency.
public struct FanoutBenchmark {
    public let tabs: Int
    public let updates: Int

    public init(tabs: Int, updates: Int) {
        self.tabs = tabs
        self.updates = updates
    }

    /// Runs the workload; returns how many deliveries were applied (should be `updates * (tabs - 1)`).
    public func run() throws -> Int {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 0)
        var config = BroadcastSyncConfig(channelName: "bench-sync")
        config.syncKeys = ["theme", "counter"]
        config.throttleMs = 0
        config.joinTimeoutMs = 0
        let syncs = try (0..<tabs).map { i in
            try BroadcastSync(
                store: Store(["theme": "light", "counter": 0]), config: config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "tab-\(i)"))
        }
        for sync in syncs { sync.start() }
        scheduler.advance(byMs: 1)
        let before = syncs.dropFirst().reduce(0) { $0 + $1.statistics.applied }
        let writer = syncs[0].store
        for n in 0..<updates {
            try writer.setState(["theme": .string(n % 2 == 0 ? "dark" : "light"), "counter": .number(Double(n + 1))])
            scheduler.advance(byMs: 0)
        }
        let applied = syncs.dropFirst().reduce(0) { $0 + $1.statistics.applied } - before
        for sync in syncs { sync.stop() }
        return applied
    }
}

extension FanoutBenchmark {
    /// Runs the workload `rounds` times and reports the best rate, as the Node script does.
    public func measure(rounds: Int = 3) throws -> BenchmarkResult {
        let best = try bestRate(rounds: rounds, run)
        return BenchmarkResult(name: "fanout.tabs\(tabs).deliveries_per_s", value: best.rounded(), unit: "deliveries/s")
    }
}
