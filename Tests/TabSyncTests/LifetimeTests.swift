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
            try BroadcastSync(
                store: Store(["n": 0]), config: config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "T\(i)"))
        }
        for sync in syncs { sync.start() }
        scheduler.advance(byMs: 2000)
        _ = syncs[0].whileLeader(everyMs: 100) {}
        try syncs[0].store.setState(["n": 1])
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
            let sync = try BroadcastSync(
                store: Store(), config: config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub))
            sync.start()
            scheduler.advance(byMs: 1000)
            #expect(sync.isLeader())
            return (sync.whileLeader(everyMs: 10) {}, scheduler)
        }
        let (task, scheduler) = try makeTask()
        let runs = task.runCount
        scheduler.advance(byMs: 1000)
        #expect(task.runCount == runs)  // its sync is gone, and its timers with it
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
        a.forceLeader()  // leadership resumes tasks; not a cancelled one
        bench.advance(1000)
        #expect(runs == 3)
    }
}

extension LifetimeTests {
    @Test func aStoreOutlivingItsDroppedSyncKeepsWorking() throws {
        let store = Store(["n": 0])
        let scheduler = VirtualScheduler()
        do {
            let sync = try BroadcastSync(
                store: store, config: BroadcastSyncConfig(channelName: "life"),
                environment: SyncEnvironment(virtual: scheduler, transport: InMemoryHub()))
            sync.start()
            scheduler.advance(byMs: 1000)
        }
        try store.setState(["n": 1])  // no sync left to tell
        scheduler.advance(byMs: 1000)
        #expect(store.state == ["n": 1])
        #expect(scheduler.pendingCount == 0)
    }
}

/// An application may stop a sync from inside any of its callbacks; the code that was running
/// carries on after the callback returns, and must not leave a timer, a message or a role behind.
extension LifetimeTests {
    private enum StopPoint: CaseIterable {
        case connected, becameLeader, sendingPing, sendingHeartbeat, applyingRemoteState
    }

    @Test(arguments: StopPoint.allCases)
    private func stoppingFromInsideACallbackLeavesNothingBehind(_ point: StopPoint) throws {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 1)
        var sync: BroadcastSync?
        var stopped = false
        func stopOnce(_ now: Bool) {
            guard now, !stopped, let s = sync else { return }
            stopped = true
            s.stop()
        }
        var config = BroadcastSyncConfig(channelName: "life")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 500
        config.onSyncStateChange = { state in
            stopOnce((point == .connected && state == .connected) || (point == .becameLeader && state == .leader))
        }
        config.onRemoteUpdate = { _, _ in stopOnce(point == .applyingRemoteState) }
        let observer: (SyncEvent) -> Void = { event in
            guard case .sent(let m) = event else { return }
            stopOnce(
                (point == .sendingPing && m.type == .tabPing && scheduler.nowMs > 0)
                    || (point == .sendingHeartbeat && m.type == .heartbeat))
        }
        let other = try BroadcastSync(
            store: Store(["n": 0]), config: BroadcastSyncConfig(channelName: "life"),
            environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "other"))
        sync = try BroadcastSync(
            store: Store(["n": 0]), config: config,
            environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "me", observer: observer))
        let me = try #require(sync)
        if point == .connected {
            me.start()
        } else {
            other.start()
            scheduler.advance(byMs: 100)
            me.start()
        }
        scheduler.advance(byMs: 3000)
        try other.store.setState(["n": 1])
        scheduler.advance(byMs: 3000)
        #expect(stopped)
        #expect(!me.isActive())
        #expect(me.scheduledTimerCount == 0)
        #expect(!me.isLeader() && me.role == .none)
        let sentBefore = me.statistics.sentTotal
        scheduler.advance(byMs: 20_000)
        #expect(me.statistics.sentTotal == sentBefore)
    }
}

extension LifetimeTests {
    /// The application drops its last reference to a sync from inside one of its callbacks, in the
    /// middle of a timer's or a delivery's work: the sync finishes that work, then goes, leaving nothing.
    @Test(arguments: [false, true])
    func aSyncReleasedFromInsideItsOwnCallbackGoesCleanly(onRemoteUpdate: Bool) throws {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 1)
        var holder: BroadcastSync?
        var config = BroadcastSyncConfig(channelName: "life")
        config.enableLeaderElection = true
        if onRemoteUpdate {
            config.onRemoteUpdate = { _, _ in holder = nil }
        } else {
            config.onSyncStateChange = { if $0 == .leader { holder = nil } }
        }
        let other = try BroadcastSync(
            store: Store(["n": 0]), config: BroadcastSyncConfig(channelName: "life"),
            environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "other"))
        other.start()
        holder = try BroadcastSync(
            store: Store(["n": 0]), config: config,
            environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "me"))
        let watch = Weak(holder!)
        holder?.start()
        scheduler.advance(byMs: 1000)
        try other.store.setState(["n": 1])
        scheduler.advance(byMs: 20_000)
        #expect(holder == nil)
        #expect(watch.value == nil)
        #expect(other.getConnectedTabs() == 0)  // it said goodbye or timed out; nothing of it runs
    }
}
