import TabSync

/// Several tabs on one virtual clock and one in-memory channel: the engine's test bench.
final class Bench {
    let scheduler = VirtualScheduler()
    let hub: InMemoryHub
    var events: [(tab: String, event: SyncEvent)] = []
    /// Tabs whose traffic the hub drops both ways: a crash, seen from the others.
    var silenced: Set<String> = []
    private var seed: UInt64 = 1

    init(latencyMs: Milliseconds = 1) {
        hub = InMemoryHub(latencyMs: latencyMs)
        hub.deliveryPolicy = { [unowned self] from, to, _ in
            self.silenced.contains(from) || self.silenced.contains(to) ? [] : [self.hub.latencyMs]
        }
    }

    /// A tab over a store with `state`, started unless `start` is false.
    func tab(
        _ state: StateDocument = [:], id: String? = nil, start: Bool = true,
        scheduler custom: (any SyncScheduler)? = nil,
        configure: (inout BroadcastSyncConfig) -> Void = { _ in }
    ) throws -> BroadcastSync {
        var config = BroadcastSyncConfig(channelName: "test")
        configure(&config)
        seed += 1
        let name = id ?? "?"
        let env = SyncEnvironment(
            clock: scheduler, scheduler: custom ?? scheduler, transport: hub,
            random: SeededRandom(seed: seed), tabId: id,
            observer: { [weak self] e in self?.events.append((name, e)) })
        let sync = try BroadcastSync(store: Store(state), config: config, environment: env)
        if start { sync.start() }
        return sync
    }

    func advance(_ ms: Milliseconds) { scheduler.advance(byMs: ms) }

    /// Crashes a tab: from now on nothing reaches it or leaves it, and it says no goodbye.
    func crash(_ tab: BroadcastSync) { silenced.insert(tab.tabId) }

    /// Messages of `type` sent so far by `tab`.
    func sent(_ type: SyncMessageType, by tab: BroadcastSync) -> [SyncMessage] {
        events.compactMap {
            if case .sent(let m) = $0.event, m.type == type, m.tabId == tab.tabId { return m } else { return nil }
        }
    }

    /// Every message sent so far, by anyone.
    var allSent: [SyncMessage] {
        events.compactMap { if case .sent(let m) = $0.event { return m } else { return nil } }
    }

    var debugLines: [String] {
        events.map { "\(scheduler.nowMs) \($0.tab) \($0.event.debugText)" }
    }
}

/// A scheduler that a test can freeze: while frozen, due work (timers and deliveries) queues and
/// runs in order on thaw, like a browser's frozen tab.
final class FreezableScheduler: SyncScheduler {
    let base: VirtualScheduler
    var frozen = false
    private var queue: [() -> Void] = []

    init(base: VirtualScheduler) { self.base = base }

    var monotonicNow: MonotonicInstant { base.monotonicNow }

    func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        base.schedule(afterMs: delay) { [weak self] in
            guard let self else { return }
            if self.frozen { self.queue.append(action) } else { action() }
        }
    }

    func cancel(_ token: TimerToken) { base.cancel(token) }

    func thaw() {
        frozen = false
        let work = queue
        queue.removeAll()
        for action in work { action() }
    }
}
