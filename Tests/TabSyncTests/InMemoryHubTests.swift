import Testing
import TabSync

/// The hub delivers a frame to receivers that share a scheduler in one scheduled action, and to
/// each receiver separately when a delivery policy decides per receiver. Both must give the same
/// run, event for event.
@Suite struct InMemoryHubTests {
    /// Four electing tabs editing over time; B reacts to every remote change with an edit of its own,
    /// so deliveries interleave with work scheduled while handling them. Returns every event, in order.
    private func run(latencyMs: Milliseconds, perReceiver: Bool) throws -> [String] {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: latencyMs)
        if perReceiver { hub.deliveryPolicy = { _, _, _ in [latencyMs] } }
        var log: [String] = []
        var config = BroadcastSyncConfig(channelName: "hub")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 300
        config.throttleMs = 0
        let tabs = try ["A", "B", "C", "D"].map { (name: String) in
            try BroadcastSync(
                store: Store(["n": 0, "seen": 0]), config: config,
                environment: SyncEnvironment(
                    virtual: scheduler, transport: hub, tabId: name,
                    observer: { log.append("\(scheduler.nowMs) \(name) \($0.debugText)") }))
        }
        let b = tabs[1]
        b.store.subscribe { change in
            guard case .remote = change.origin, let n = change.next["n"]?.intValue else { return }
            try b.store.setState(["seen": .number(Double(n))])
        }
        for tab in tabs { tab.start() }
        for i in 0..<40 {
            scheduler.advance(byMs: 37)
            try tabs[(i * 7) % 4].store.setState(["n": .number(Double(i))])
            if i == 20 { tabs[0].stop() }
        }
        scheduler.advance(byMs: 2000)
        log.append("hub delivered \(hub.deliveredCount)")
        return log
    }

    @Test(arguments: [0, 3])
    func oneActionForManyReceiversGivesTheSameRunAsOneEach(latencyMs: Milliseconds) throws {
        let batched = try run(latencyMs: latencyMs, perReceiver: false)
        let separate = try run(latencyMs: latencyMs, perReceiver: true)
        #expect(batched.count > 500)
        let firstDifference = batched.indices.first { $0 >= separate.count || batched[$0] != separate[$0] }
        #expect(
            firstDifference == nil && batched.count == separate.count,
            "first difference at event \(firstDifference ?? -1): \(firstDifference.map { batched[$0] + " vs " + separate[$0] } ?? "lengths differ")"
        )
    }

    /// The observer hears of every post, and of each copy dropped or delivered unless told not to.
    @Test(arguments: [true, false])
    func theObserverHearsOfCopiesOnlyWhenItAsks(observesDeliveries: Bool) throws {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub()
        hub.observesDeliveries = observesDeliveries
        hub.deliveryPolicy = { _, to, _ in to == "C" ? [] : [1] }
        var seen: [String] = []
        hub.observer = { event in
            switch event {
            case .posted(let from, _, let recipients): seen.append("posted \(from) to \(recipients)")
            case .dropped(let from, let to, _): seen.append("dropped \(from)->\(to)")
            case .delivered(let from, let to, _): seen.append("delivered \(from)->\(to)")
            }
        }
        var received: [String] = []
        let endpoints = ["A", "B", "C"].map { name in
            hub.open(channelName: "c", ownerId: name, scheduler: scheduler) { _ in received.append(name) }
        }
        endpoints[0]?.post(.json(.null))
        scheduler.advance(byMs: 5)
        #expect(received == ["B"])
        #expect(hub.deliveredCount == 1)
        #expect(seen == (observesDeliveries ? ["posted A to 2", "dropped A->C", "delivered A->B"] : ["posted A to 2"]))
    }
}
