import TabSync

/// The same round trip in one process: two engines on one virtual clock over the in-memory hub
/// with no latency, timed on the wall clock (what the engine costs without sockets or processes).
public enum InProcessRoundTrips {
    /// Microseconds of each of `roundTrips` round trips, after `LiveRoundTrips.warmUp` unmeasured ones.
    public static func measure(roundTrips: Int) -> [Double] {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 0)
        func make() -> BroadcastSync {
            try! BroadcastSync(
                store: Store(), config: LivePeer.config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub))
        }
        let a = make()
        let b = make()
        _ = b.store.subscribe { change in
            if case .remote = change.origin, let ping = change.next["ping"] { try? b.store.setState(["pong": ping]) }
        }
        a.start()
        b.start()
        scheduler.advance(byMs: 1000)
        var samples: [Double] = []
        for ping in 1...(LiveRoundTrips.warmUp + roundTrips) {
            let start = ContinuousClock.now
            try? a.store.setState(["ping": .number(Double(ping))])
            while a.store["pong"]?.intValue != ping, scheduler.step() {}
            let elapsed = ContinuousClock.now - start
            if ping > LiveRoundTrips.warmUp {
                samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
        }
        a.stop()
        b.stop()
        return samples
    }
}
