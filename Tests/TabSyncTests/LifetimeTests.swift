import Testing
import TabSync

/// The engine's objects hold each other strongly or unowned, never weakly (a weak reference slows
/// every retain of its target, and retains are on every message's path). These tests show that
/// nothing leaks and nothing dangles: a dropped world is freed even with deliveries and timers
/// pending, and what the application keeps (a leader task) stays safe to use.
@Suite struct LifetimeTests {
    private final class Weak<T: AnyObject> {
        weak var value: T?
        init(_ value: T) { self.value = value }
    }

    /// Builds two electing tabs, leaves heartbeats, a debounce, a leader task and deliveries in
    /// flight, and drops it all; returns weak references to what it made.
    private func busyWorld(stopOne: Bool) throws -> [Weak<AnyObject>] {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 50)
        var config = BroadcastSyncConfig(channelName: "life")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 200
        config.debounceMs = 300
        let syncs = try (0..<2).map { i in
            try BroadcastSync(store: Store(["n": 0]), config: config,
                              environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "T\(i)"))
        }
        for sync in syncs { sync.start() }
        scheduler.advance(byMs: 2000)
        _ = syncs[0].whileLeader(everyMs: 100) {}
        syncs[0].store.setState(["n": 1])
        syncs[1].broadcastState()
        if stopOne { syncs[1].stop() }
        #expect(scheduler.pendingCount > 0)
        let objects: [AnyObject] = [scheduler, hub] + syncs + syncs.map(\.store)
        return objects.map { Weak($0) }
    }

    @Test(arguments: [false, true])
    func aDroppedWorldIsFreedWithWorkPending(stopOne: Bool) throws {
        let refs = try busyWorld(stopOne: stopOne)
        #expect(refs.allSatisfy { $0.value == nil })
    }

    @Test func aLeaderTaskOutlivingItsSyncIsInertAndCancellable() throws {
        func makeTask() throws -> (LeaderTask, VirtualScheduler) {
            let scheduler = VirtualScheduler()
            let hub = InMemoryHub()
            var config = BroadcastSyncConfig(channelName: "life")
            config.enableLeaderElection = true
            let sync = try BroadcastSync(store: Store(), config: config,
                                         environment: SyncEnvironment(virtual: scheduler, transport: hub))
            sync.start()
            scheduler.advance(byMs: 1000)
            #expect(sync.isLeader())
            return (sync.whileLeader(everyMs: 10) {}, scheduler)
        }
        let (task, scheduler) = try makeTask()
        let runs = task.runCount
        scheduler.advance(byMs: 1000)
        #expect(task.runCount == runs)          // its sync is gone, and its timers with it
        #expect(!task.isRunning)
        task.cancel()
        #expect(task.isCancelled)
    }

    @Test func aCancelledLeaderTaskNeverRunsAgain() throws {
        let bench = Bench()
        let a = try bench.tab(id: "A") { $0.enableLeaderElection = true }
        bench.advance(1000)
        var runs = 0
        let task = a.whileLeader(everyMs: 100) { runs += 1 }
        bench.advance(250)
        #expect(runs == 3)
        #expect(task.isRunning)
        task.cancel()
        bench.advance(1000)
        #expect(runs == 3)
        #expect(!task.isRunning)
        a.forceLeader()                           // leadership resumes tasks; not a cancelled one
        bench.advance(1000)
        #expect(runs == 3)
    }
}

extension LifetimeTests {
    @Test func aStoreOutlivingItsDroppedSyncKeepsWorking() throws {
        let store = Store(["n": 0])
        let scheduler = VirtualScheduler()
        do {
            let sync = try BroadcastSync(store: store, config: BroadcastSyncConfig(channelName: "life"),
                                         environment: SyncEnvironment(virtual: scheduler, transport: InMemoryHub()))
            sync.start()
            scheduler.advance(byMs: 1000)
        }
        store.setState(["n": 1])                  // no sync left to tell
        scheduler.advance(byMs: 1000)
        #expect(store.state == ["n": 1])
        #expect(scheduler.pendingCount == 0)
    }
}
