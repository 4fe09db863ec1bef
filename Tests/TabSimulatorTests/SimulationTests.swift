import Testing
import TabSync
@testable import TabSimulator

@Suite struct SimulationTests {
    func sim(seed: UInt64 = 1, election: Bool = true, network: NetworkConditions = NetworkConditions(latencyMs: 1...1)) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = election
        config.leaderHeartbeatMs = 1000
        config.excludeKeys = ["sessionToken"]
        return try Simulation(options: SimulationOptions(seed: seed, config: config, network: network, initialState: ["theme": "light"]))
    }

    /// A short session exercising most faults; returns its log as text.
    func session(seed: UInt64) throws -> [String] {
        let s = try sim(seed: seed, network: NetworkConditions(latencyMs: 1...20, drop: 0.1, duplicate: 0.1))
        try s.open("A"); s.advance(byMs: 30); try s.open("B"); try s.open("C")
        s.advance(byMs: 1000); try s.set("B", ["theme": "dark"])
        try s.freeze("A"); s.advance(byMs: 5000); try s.thaw("A")
        try s.partition([["A"], ["B", "C"]]); s.advance(byMs: 5000); s.heal()
        try s.kill("C"); s.advance(byMs: 5000)
        return s.log.events.map(\.text)
    }

    @Test func sameSeedSameLogByteForByte() throws {
        let first = try session(seed: 42)
        #expect(first.count > 100)
        #expect(try session(seed: 42) == first)
        #expect(try session(seed: 43) != first)
    }

    @Test func frozenTabRunsNothingUntilThawedThenRunsItsQueue() throws {
        let s = try sim()
        try s.open("A"); try s.open("B"); s.advance(byMs: 500)
        try s.freeze("B")
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 3000)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        #expect(s.tab(named: "B")!.scheduler.queuedCount > 0)
        try s.thaw("B")
        #expect(s.tab(named: "B")!.state["theme"] == "dark")
        #expect(throws: SimulationError.self) { try s.thaw("B") }
        #expect(throws: SimulationError.self) { try s.set("Z", ["theme": "x"]) }
    }

    @Test func killedTabSaysNoGoodbyeClosedTabDoes() throws {
        let s = try sim()
        try s.open("A"); try s.open("B"); try s.open("C"); s.advance(byMs: 500)
        try s.kill("A")
        s.advance(byMs: 100)
        #expect(s.tab(named: "B")!.connectedTabs == 2)       // B has not noticed
        try s.close("C")
        s.advance(byMs: 10)
        #expect(s.tab(named: "B")!.connectedTabs == 1)       // C said goodbye
        s.advance(byMs: 7000)
        #expect(s.tab(named: "B")!.connectedTabs == 0)       // A went silent long enough
        #expect(!s.log.events.contains { $0.tab == "A" && $0.line.contains("TAB_CLOSE") })
        #expect(s.log.events.contains { $0.tab == "C" && $0.line.contains("Sent: TAB_CLOSE") })
    }

    @Test func partitionCutsTrafficBetweenGroupsOnly() throws {
        let s = try sim()
        try s.open("A"); try s.open("B"); try s.open("C"); s.advance(byMs: 500)
        try s.partition([["A"], ["B", "C"]])
        try s.set("B", ["theme": "dark"])
        s.advance(byMs: 100)
        #expect(s.tab(named: "C")!.state["theme"] == "dark")
        #expect(s.tab(named: "A")!.state["theme"] == "light")
        #expect(s.isPartitioned("A"))
        #expect(!s.convergence().converged)
        #expect(s.convergence().keys == ["theme"])
        s.heal()
        try s.set("C", ["theme": "system"])
        s.advance(byMs: 100)
        #expect(s.convergence().converged)
    }

    @Test func duplicatesAreDeliveredTwice() throws {
        let s = try sim(election: false, network: NetworkConditions(latencyMs: 1...1, duplicate: 1))
        try s.open("A"); try s.open("B"); s.advance(byMs: 600)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 10)
        let received = s.tab(named: "B")!.sync.statistics.received[.stateUpdate]
        #expect(received == 2)
    }

    @Test func dropsAreLoggedAndNothingArrives() throws {
        let s = try sim(election: false, network: NetworkConditions(latencyMs: 1...1, drop: 1))
        try s.open("A"); try s.open("B"); s.advance(byMs: 600)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 10)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        #expect(s.log.events.contains { $0.kind == .network && $0.line.contains("Lost STATE_UPDATE from A to B") })
    }

    @Test func backgroundTabRunsTimersOnThrottleBoundaries() throws {
        let s = try sim(election: false)
        try s.open("A"); s.advance(byMs: 10)
        try s.setBackground("A", throttleMs: 1000)
        var times: [Int] = []
        s.onEvent = { e in if e.tab == "A" && e.kind == .sent { times.append(e.timeMs) } }
        s.advance(byMs: 10_000)
        #expect(!times.isEmpty)
        #expect(times.allSatisfy { $0 % 1000 == 0 })
    }

    @Test func eventLogIsBounded() throws {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        let s = try Simulation(options: SimulationOptions(config: config, logCapacity: 50))
        for n in ["A", "B", "C", "D"] { try s.open(n) }
        s.advance(byMs: 60_000)
        #expect(s.log.events.count == 50)
        #expect(s.log.totalCount > 50)
        #expect(s.log.evictedCount == s.log.totalCount - 50)
    }

    @Test func reopenStartsAFreshTabFromItsInitialState() throws {
        let s = try sim()
        try s.open("A"); try s.open("B", state: ["theme": "dark"]); s.advance(byMs: 600)
        let oldId = s.tab(named: "B")!.tabId
        try s.kill("B")
        #expect(throws: SimulationError.self) { try s.open("B") }
        try s.reopen("B")
        #expect(s.tab(named: "B")!.tabId != oldId)
        #expect(s.tab(named: "B")!.liveness == .alive)
    }
}

