import TabSync

/// Several tabs on one virtual clock and one in-memory channel: the engine's test bench.
final class Bench {
    let scheduler = VirtualScheduler()
    let hub: InMemoryHub
    var events: [(tab: String, event: SyncEvent)] = []
    private var seed: UInt64 = 1

    init(latencyMs: Milliseconds = 1) {
        hub = InMemoryHub(latencyMs: latencyMs)
    }

    /// A started tab over a store with `state`.
    @discardableResult
    func tab(_ state: StateDocument = [:], id: String? = nil, start: Bool = true,
             configure: (inout BroadcastSyncConfig) -> Void = { _ in }) throws -> BroadcastSync {
        var config = BroadcastSyncConfig(channelName: "test")
        configure(&config)
        seed += 1
        let name = id
        var env = SyncEnvironment(virtual: scheduler, transport: hub, seed: seed, tabId: id)
        env.observer = { [weak self] e in self?.events.append((name ?? "?", e)) }
        let sync = try BroadcastSync(store: Store(state), config: config, environment: env)
        if start { sync.start() }
        return sync
    }

    func advance(_ ms: Milliseconds) { scheduler.advance(byMs: ms) }

    /// Messages of `type` sent so far by `tab`.
    func sent(_ type: SyncMessageType, by tab: BroadcastSync) -> [SyncMessage] {
        events.compactMap { if case .sent(let m) = $0.event, m.type == type, m.tabId == tab.tabId { return m } else { return nil } }
    }
}
