import Testing
import TabSync
@testable import TabSimulator

/// The checker must catch real violations: fed synthetic logs and frames a correct engine never
/// produces, each property reports, by name.
@Suite struct InvariantCheckerTests {
    func leader(_ epoch: Int, _ id: String, reason: RoleChangeReason = .elected) -> SyncEvent {
        .roleChanged(RoleChange(from: .candidate, to: .leader, epoch: epoch, leaderId: id, reason: reason))
    }

    func heard(epoch: Int, from id: String) -> SyncEvent {
        .received(SyncMessage(type: .heartbeat, tabId: id, timestamp: 0, payload: .init(leaderId: id, epoch: epoch)))
    }

    @Test func twoLeadersOfOneEpochIsAViolationWhenTheSecondKnew() {
        var checker = InvariantChecker()
        let a = checker.register(tabId: "tab-a", name: "A", excludeKeys: [])
        let b = checker.register(tabId: "tab-b", name: "B", excludeKeys: [])
        checker.observe(leader(3, "tab-a"), tab: a, at: 100)
        checker.observe(heard(epoch: 3, from: "tab-a"), tab: b, at: 102)
        checker.observe(leader(3, "tab-b"), tab: b, at: 400)
        #expect(checker.violations.map(\.property) == ["at most one leader per epoch"])
        #expect(checker.violations.first?.detail == "B claimed epoch 3 after hearing of epoch 3")
        #expect(checker.violations.first?.timeMs == 400)
    }

    /// With message traffic kept out of the log (the fuzzer, the benchmarks), every message
    /// received still tells the checker its epoch: what "claimed an epoch it had heard of" rests on.
    /// A takes no part in elections, so only the heartbeats it receives tell it B's epoch.
    @Test(arguments: [true, false])
    func aSimulationTellsTheCheckerEveryEpochHeard(logsTraffic: Bool) throws {
        var config = BroadcastSyncConfig(channelName: "c")
        config.enableLeaderElection = true
        var options = SimulationOptions(seed: 3, config: config)
        options.tabConfigs["A"] = BroadcastSyncConfig(channelName: "c")
        let s = try Simulation(options: options)
        s.logsTraffic = logsTraffic
        let a = try s.open("A")
        let b = try s.open("B")
        s.advance(byMs: 1000)
        try s.forceLeader("B")
        try s.forceLeader("B")
        s.advance(byMs: 1000)
        let epoch = b.sync.epoch
        #expect(epoch >= 2)
        #expect(s.checker.heardEpoch(tab: a.checkerIndex) == epoch)
        #expect(s.checker.violations.isEmpty)
    }

    @Test func twoLeadersOfOneEpochThatCouldNotHearEachOtherAreAFinding() {
        var checker = InvariantChecker()
        let a = checker.register(tabId: "tab-a", name: "A", excludeKeys: [])
        let b = checker.register(tabId: "tab-b", name: "B", excludeKeys: [])
        checker.observe(leader(2, "tab-a"), tab: a, at: 100)
        checker.observe(leader(2, "tab-b"), tab: b, at: 100)
        #expect(checker.violations.isEmpty)
        #expect(checker.sharedEpochs == 1)
    }

    @Test func leadingUnderAnotherTabsClaimIsAViolation() {
        var checker = InvariantChecker()
        let a = checker.register(tabId: "tab-a", name: "A", excludeKeys: [])
        checker.observe(leader(1, "tab-z"), tab: a, at: 5)
        checker.checkLeaders([(tab: a, leaderId: "tab-z", running: true)], at: 6)
        #expect(checker.violations.map(\.property) == ["at most one leader per epoch", "at most one leader per epoch"])
    }

    @Test func epochGoingBackIsAViolation() {
        var checker = InvariantChecker()
        let a = checker.register(tabId: "tab-a", name: "A", excludeKeys: [])
        checker.observe(leader(3, "tab-a"), tab: a, at: 1)
        checker.observe(
            .roleChanged(RoleChange(from: .leader, to: .follower, epoch: 2, leaderId: "x", reason: .leaderAnnounced)),
            tab: a, at: 2)
        #expect(checker.violations.map(\.property) == ["epochs never decrease"])
        #expect(checker.violations.first?.detail == "A went from epoch 3 to 2")
    }

    @Test func excludedKeyOnTheWireIsAViolation() {
        var checker = InvariantChecker()
        checker.register(tabId: "tab-a", name: "A", excludeKeys: ["sessionToken"])
        let m = SyncMessage(
            type: .stateUpdate, tabId: "tab-a", timestamp: 0,
            payload: .init(state: ["sessionToken": "x", "theme": "dark"], keys: ["sessionToken", "theme"]))
        checker.onWire(.message(m), from: "tab-a", at: 5)
        #expect(checker.violations.map(\.property) == ["excluded key never on the wire"])
        #expect(checker.violations.first?.detail == "'sessionToken' sent by A in STATE_UPDATE")
        #expect(checker.keysOnWire == ["sessionToken", "theme"])
        // A raw frame from an unknown sender is held to every tab's exclusions.
        checker.onWire(
            .json(["type": "STATE_UPDATE", "payload": ["state": ["sessionToken": "y"]]]), from: "intruder", at: 6)
        #expect(checker.violations.count == 2)
    }

    /// With no exclusions anywhere the checker only notes the keys: those of `keys` and of `state`.
    @Test func keysOnTheWireAreNotedWithoutExclusions() {
        var checker = InvariantChecker()
        checker.register(tabId: "tab-a", name: "A", excludeKeys: [])
        let m = SyncMessage(
            type: .stateUpdate, tabId: "tab-a", timestamp: 0,
            payload: .init(state: ["theme": "dark"], keys: ["theme", "removed"]))
        checker.onWire(.message(m), from: "tab-a", at: 5)
        checker.onWire(
            .message(
                SyncMessage(type: .stateResponse, tabId: "tab-a", timestamp: 0, payload: .init(state: ["locale": "en"]))
            ),
            from: "tab-a", at: 6)
        #expect(checker.violations.isEmpty)
        #expect(checker.keysOnWire == ["theme", "removed", "locale"])
    }

    @Test func anUpdateWithoutALocalChangeIsAnEcho() {
        var checker = InvariantChecker()
        let a = checker.register(tabId: "tab-a", name: "A", excludeKeys: [])
        let update = SyncEvent.sent(
            SyncMessage(
                type: .stateUpdate, tabId: "tab-a", timestamp: 0, payload: .init(state: ["theme": "x"], keys: ["theme"])
            ))
        checker.allowUpdate(tab: a)
        checker.observe(update, tab: a, at: 5)
        #expect(checker.violations.isEmpty)
        checker.observe(update, tab: a, at: 6)
        #expect(checker.violations.map(\.property) == ["no echo"])
    }

    /// End to end: a frame carrying an excluded key, posted on the simulation's channel by a
    /// foreign endpoint, is caught by the running simulation, and the scenario verdict fails.
    @Test func aSimulationCatchesAnExcludedKeyOnItsChannel() throws {
        var config = BroadcastSyncConfig(channelName: "app")
        config.excludeKeys = ["sessionToken"]
        let sim = try Simulation(options: SimulationOptions(config: config, initialState: ["theme": "light"]))
        try sim.open("A")
        sim.advance(byMs: 600)
        #expect(sim.violations.isEmpty)
        let rogue = sim.hub.open(channelName: "app", ownerId: "rogue", scheduler: sim.scheduler, onFrame: { _ in })
        rogue?.post(
            .message(
                SyncMessage(
                    type: .stateUpdate, tabId: "rogue", timestamp: 600,
                    payload: .init(state: ["sessionToken": "stolen"], keys: ["sessionToken"]))))
        sim.advance(byMs: 10)
        #expect(sim.violations.map(\.property) == ["excluded key never on the wire"])
        // The receiver's own filter still refused it: the store is untouched.
        #expect(sim.tab(named: "A")!.state["sessionToken"] == nil)
    }
}
