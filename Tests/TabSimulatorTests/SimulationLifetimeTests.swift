import Testing
import TabSync
import TabSimulator

/// A simulation dropped in the middle of a run frees everything it made: the fuzzer makes
/// thousands of them, one per seed, and the memory they take must not grow with the count.
@Suite struct SimulationLifetimeTests {
    @Test func aDroppedSimulationFreesItsTabsSyncsAndSchedulers() throws {
        weak var scheduler: VirtualScheduler?
        weak var tab: SimTab?
        weak var sync: BroadcastSync?
        weak var tabScheduler: TabScheduler?
        do {
            var config = BroadcastSyncConfig(channelName: "t")
            config.enableLeaderElection = true
            config.leaderHeartbeatMs = 1000
            let sim = try Simulation(options: SimulationOptions(seed: 3, config: config, initialState: ["n": 0]))
            for name in ["A", "B", "C"] { try sim.open(name) }
            try sim.startWorkload(Workload(editsPerSecondPerTab: 5, keys: ["n"]))
            sim.advance(byMs: 5_000)
            try sim.inject(raw: #"{"type":"TAB_PING","tabId":"x","timestamp":1}"#)  // through an endpoint of its own
            try sim.freeze("B")  // a frozen tab holds queued work too
            sim.advance(byMs: 500)
            #expect(sim.scheduler.pendingCount > 0)  // dropped with heartbeats, edits and deliveries pending
            scheduler = sim.scheduler
            tab = sim.tab(named: "A")
            sync = tab?.sync
            tabScheduler = tab?.scheduler
        }
        #expect(scheduler == nil)
        #expect(tab == nil)
        #expect(sync == nil)
        #expect(tabScheduler == nil)
    }
}
