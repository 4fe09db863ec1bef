import Testing
import TabSync
@testable import TabSimulator

/// One test (at least) per fault, each showing the fault's effect on the tabs, on virtual time only.
@Suite struct FaultTests {
    func sim(
        seed: UInt64 = 1, election: Bool = true, strategy: ConflictStrategy = .lastWriteWins, throttleMs: Int = 100,
        network: NetworkConditions = NetworkConditions(latencyMs: 1...1)
    ) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = election
        config.leaderHeartbeatMs = 1000
        config.throttleMs = throttleMs
        config.conflictStrategy = strategy
        return try Simulation(
            options: SimulationOptions(
                seed: seed, config: config, network: network, initialState: ["theme": "light", "n": 0]))
    }

    @Test func reorderLetsLaterMessagesOvertakeEarlierOnes() throws {
        func arrivals(_ network: NetworkConditions) throws -> [Int] {
            // Arrival order, so that every copy is applied as it arrives and the order shows.
            let s = try sim(election: false, strategy: .arrivalOrder, throttleMs: 0, network: network)
            try s.open("A")
            try s.open("B")
            s.advance(byMs: 600)
            var order: [Int] = []
            s.tab(named: "B")!.store.subscribe { change in
                if case .remote = change.origin, let n = change.next["n"]?.intValue { order.append(n) }
            }
            for i in 1...20 {
                try s.set("A", ["n": .number(Double(i))])
                s.advance(byMs: 1)
            }
            s.advance(byMs: 200)
            return order
        }
        #expect(try arrivals(NetworkConditions(latencyMs: 1...1)) == Array(1...20))
        let reordered = try arrivals(NetworkConditions(latencyMs: 1...1, reorder: 0.5))
        #expect(reordered.count == 20)  // nothing lost, only late
        #expect(reordered != Array(1...20))
        #expect(reordered.sorted() == Array(1...20))
    }

    @Test func latencyRangeDelaysEachCopyWithinTheRange() throws {
        let s = try sim(election: false, network: NetworkConditions(latencyMs: 30...40))
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 29)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        s.advance(byMs: 11)
        #expect(s.tab(named: "B")!.state["theme"] == "dark")
    }

    @Test func changingTheNetworkMidRunTakesEffectAtOnce() throws {
        let s = try sim(election: false)
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        try s.setNetwork(NetworkConditions(latencyMs: 1...1, drop: 1))
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 500)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        try s.setNetwork(NetworkConditions(latencyMs: 1...1))
        try s.set("A", ["theme": "system"])
        s.advance(byMs: 500)
        #expect(s.tab(named: "B")!.state["theme"] == "system")
        #expect(throws: SimulationError.self) { try s.setNetwork(NetworkConditions(drop: 1.5)) }
    }

    @Test func clockSkewMovesWriteStampsAndDecidesFirstWriteWins() throws {
        // B edits 100 ms after A, but B's clock runs 1 s behind: under first-write-wins its write
        // counts as the earlier one, and both tabs keep it.
        let s = try sim(election: false, strategy: .firstWriteWins, network: NetworkConditions(latencyMs: 300...300))
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 1000)
        try s.setClockSkew("B", ms: -1000)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 100)
        try s.set("B", ["theme": "system"])
        s.advance(byMs: 1000)
        #expect(s.tab(named: "A")!.state["theme"] == "system")
        #expect(s.tab(named: "B")!.state["theme"] == "system")
        // Without skew, the same edits keep A's earlier value.
        let t = try sim(election: false, strategy: .firstWriteWins, network: NetworkConditions(latencyMs: 300...300))
        try t.open("A")
        try t.open("B")
        t.advance(byMs: 1000)
        try t.set("A", ["theme": "dark"])
        t.advance(byMs: 100)
        try t.set("B", ["theme": "system"])
        t.advance(byMs: 1000)
        #expect(t.tab(named: "B")!.state["theme"] == "dark")
    }

    @Test func backgroundThrottlesTimersButNotDeliveries() throws {
        let s = try sim(election: false)
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 1210)
        try s.setBackground("A", throttleMs: 1000)
        var updates: [Int] = []
        s.onEvent = { e in
            if e.tab == "A" && e.messageType == .stateUpdate && e.kind == .sent { updates.append(e.timeMs) }
        }
        // The first change goes out at once; the throttle's trailing send is a timer: it waits for
        // the next whole second instead of 100 ms.
        try s.set("A", ["n": 1])
        s.advance(byMs: 10)
        try s.set("A", ["n": 2])
        s.advance(byMs: 1000)
        #expect(updates == [1210, 2000])
        // A message to the background tab is handled at once.
        try s.set("B", ["theme": "dark"])
        s.advance(byMs: 1)
        #expect(s.tab(named: "A")!.state["theme"] == "dark")
        // Back in the foreground, the trailing send comes 100 ms after the first.
        try s.setBackground("A", throttleMs: 0)
        s.run(untilMs: 3210)
        try s.set("A", ["n": 3])
        s.advance(byMs: 10)
        try s.set("A", ["n": 4])
        s.advance(byMs: 1000)
        #expect(updates == [1210, 2000, 3210, 3310])
    }

    @Test func leavingTheBackgroundRunsOverdueTimersAtOnce() throws {
        let s = try sim(election: false)
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 1000)
        try s.setBackground("A", throttleMs: 60_000)
        var updates: [Int] = []
        s.onEvent = { e in
            if e.tab == "A" && e.messageType == .stateUpdate && e.kind == .sent { updates.append(e.timeMs) }
        }
        try s.set("A", ["n": 1])
        s.advance(byMs: 10)
        try s.set("A", ["n": 2])
        s.advance(byMs: 4000)  // the trailing send waits for 60 s
        #expect(updates == [1000])
        try s.setBackground("A", throttleMs: 0)  // due at 1.1 s: runs now
        s.advance(byMs: 0)
        #expect(updates == [1000, 5010])
        // B had n = 2 before the trailing send: at B's ping A's digest differed, and the repair
        // answer carries A's current values (pending ones too). The late update changes nothing.
        #expect(s.tab(named: "B")!.state["n"] == 2)
        #expect(s.tab(named: "B")!.sync.version(of: "n") == s.tab(named: "A")!.sync.version(of: "n"))
    }

    @Test func frozenTabRunsNothingUntilThawedThenRunsItsQueueInOrder() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 500)
        try s.freeze("B")
        try s.set("A", ["theme": "dark"])
        try s.set("A", ["theme": "system"])
        s.advance(byMs: 3000)
        let b = s.tab(named: "B")!
        #expect(b.state["theme"] == "light")
        #expect(b.scheduler.queuedCount > 0)
        #expect(throws: SimulationError.self) { try s.set("B", ["theme": "x"]) }  // a frozen page takes no input
        try s.thaw("B")
        #expect(b.state["theme"] == "system")
        #expect(b.scheduler.queuedCount == 0)
        #expect(throws: SimulationError.self) { try s.thaw("B") }
    }

    @Test func workCancelledDuringAThawDoesNotRun() throws {
        let s = try sim(election: false)
        let a = try s.open("A")
        var ran: [String] = []
        let late = a.scheduler.schedule(afterMs: 20) { ran.append("late") }
        a.scheduler.schedule(afterMs: 10) {
            ran.append("early")
            a.scheduler.cancel(late)
        }
        try s.freeze("A")
        s.advance(byMs: 50)
        #expect(ran.isEmpty)
        try s.thaw("A")
        #expect(ran == ["early"])
    }

    @Test func frozenLeaderIsReplacedAndStepsDownOnThaw() throws {
        let s = try sim()
        try s.open("A")
        s.advance(byMs: 50)
        try s.open("B")
        s.advance(byMs: 50)
        try s.open("C")
        s.advance(byMs: 1000)
        #expect(s.leader?.name == "A")
        try s.freeze("A")
        s.advance(byMs: 5000)
        #expect(s.leader?.name == "B")
        #expect(s.leaders.map(\.name) == ["A", "B"])  // the frozen A still believes
        try s.thaw("A")
        s.advance(byMs: 100)
        #expect(s.leaders.map(\.name) == ["B"])
        #expect(s.tab(named: "A")!.epoch == s.tab(named: "B")!.epoch)
        #expect(s.checker.stepDowns == 1)
        #expect(s.violations.isEmpty)
    }

    @Test func killedTabSaysNoGoodbyeClosedTabDoes() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.advance(byMs: 500)
        try s.kill("A")
        s.advance(byMs: 100)
        #expect(s.tab(named: "B")!.connectedTabs == 2)  // B has not noticed
        try s.close("C")
        s.advance(byMs: 10)
        #expect(s.tab(named: "B")!.connectedTabs == 1)  // C said goodbye
        s.advance(byMs: 7000)
        #expect(s.tab(named: "B")!.connectedTabs == 0)  // A went silent long enough
        #expect(!s.log.events.contains { $0.tab == "A" && $0.line.contains("TAB_CLOSE") })
        #expect(s.log.events.contains { $0.tab == "C" && $0.line.contains("Sent: TAB_CLOSE") })
        #expect(throws: SimulationError.self) { try s.kill("A") }
        #expect(throws: SimulationError.self) { try s.close("C") }
    }

    @Test func aFrozenTabCanBeKilledAndNothingItQueuedEverRuns() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 500)
        try s.freeze("B")
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 100)
        try s.kill("B")
        #expect(s.tab(named: "B")!.scheduler.queuedCount == 0)
        s.advance(byMs: 10_000)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        #expect(s.snapshot(of: "B")?.condition == "crashed")
    }

    @Test func partitionCutsTrafficBetweenGroupsOnly() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.advance(byMs: 500)
        try s.partition([["A"], ["B", "C"]])
        try s.set("B", ["theme": "dark"])
        s.advance(byMs: 100)
        #expect(s.tab(named: "C")!.state["theme"] == "dark")
        #expect(s.tab(named: "A")!.state["theme"] == "light")
        #expect(s.isPartitioned("A"))
        #expect(s.snapshot(of: "A")?.condition == "partitioned")
        #expect(s.convergence().keys == ["theme"])
        #expect(s.convergence().summary == "differ on theme (A=\"light\", B=\"dark\", C=\"dark\")")
        s.heal()
        #expect(s.snapshot(of: "A")?.condition == "alive")
        try s.set("C", ["theme": "system"])
        s.advance(byMs: 100)
        #expect(s.convergence().converged)
    }

    @Test func partitionWithTwoLeadersHealsToOne() throws {
        let s = try sim()
        try s.open("A")
        s.advance(byMs: 50)
        try s.open("B")
        s.advance(byMs: 50)
        try s.open("C")
        s.advance(byMs: 1000)
        try s.partition([["A"], ["B", "C"]])
        s.advance(byMs: 5000)
        #expect(Set(s.leaders.map(\.name)) == ["A", "B"])
        #expect(s.checker.splitBrainCount > 0)
        s.heal()
        s.advance(byMs: 2000)
        #expect(s.leaders.map(\.name) == ["B"])
        #expect(s.violations.isEmpty)
    }

    @Test func isolateAndTogglePartition() throws {
        let s = try sim(election: false)
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.advance(byMs: 500)
        try s.isolate("B")
        #expect(s.snapshots.map(\.condition) == ["alive", "partitioned", "alive"])
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 10)
        #expect(s.tab(named: "C")!.state["theme"] == "dark")
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        try s.togglePartition("B")
        #expect(!s.isPartitioned("A") && !s.isPartitioned("B"))
        try s.togglePartition("C")
        #expect(s.isPartitioned("C"))
    }

    @Test func duplicatesAreDeliveredTwice() throws {
        let s = try sim(election: false, network: NetworkConditions(latencyMs: 1...1, duplicate: 1))
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 10)
        #expect(s.tab(named: "B")!.sync.statistics.received[.stateUpdate] == 2)
        #expect(
            s.log.events.contains { $0.kind == .network && $0.line == "[Network] Duplicated STATE_UPDATE from A to B" })
    }

    @Test func dropsAreLoggedAndNothingArrives() throws {
        let s = try sim(election: false, network: NetworkConditions(latencyMs: 1...1, drop: 1))
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 10)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        #expect(s.log.events.contains { $0.kind == .network && $0.line == "[Network] Lost STATE_UPDATE from A to B" })
    }

    @Test func aTabOpenedMidRunJoinsWithTheOthersState() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 7_300)
        try s.set("B", ["theme": "dark"])
        s.advance(byMs: 123)
        let c = try s.open("C", state: ["theme": "default"])
        #expect(c.openedAtMs == 7_423)
        #expect(c.isJoining)
        s.advance(byMs: 600)
        #expect(c.state["theme"] == "dark")
        #expect(!c.isJoining)
        #expect(s.leaders.count == 1)
        #expect(s.convergence().converged)
    }

    @Test func reopenStartsAFreshTabFromItsInitialState() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B", state: ["theme": "dark"])
        s.advance(byMs: 600)
        let oldId = s.tab(named: "B")!.tabId
        try s.kill("B")
        #expect(throws: SimulationError.self) { try s.open("B") }
        #expect(throws: SimulationError.self) { try s.reopen("A") }
        try s.reopen("B")
        #expect(s.tab(named: "B")!.tabId != oldId)
        #expect(s.tab(named: "B")!.liveness == .alive)
        #expect(s.tabs.map(\.name) == ["A", "B"])
        try s.close("B")
        try s.reopen("B")
        s.advance(byMs: 600)
        #expect(s.convergence().converged)
    }

    @Test func workloadEditsAtTheRequestedRateUntilItsEnd() throws {
        let s = try sim(election: false)
        try s.open("A")
        try s.open("B")
        try s.startWorkload(Workload(editsPerSecondPerTab: 5, keys: ["n"], untilMs: 10_000))
        var edits = 0
        s.onEvent = { e in if e.kind == .action && e.line.hasPrefix("[User] set") { edits += 1 } }
        s.advance(byMs: 20_000)
        // 2 tabs x 5/s x 10 s = 100 on average; the gaps are random.
        #expect((60...140).contains(edits))
        #expect(s.workload == nil)
        #expect(throws: SimulationError.self) { try s.startWorkload(Workload(editsPerSecondPerTab: 0)) }
    }

    @Test func errorsNameTheProblemAndChangeNothing() throws {
        let s = try sim(election: false)
        try s.open("A")
        #expect(throws: SimulationError("unknown tab 'Z' (tabs: A)")) { try s.kill("Z") }
        #expect(throws: SimulationError("tab A already exists (alive)")) { try s.open("A") }
        #expect(throws: SimulationError("forceLeader: leader election is off (enableLeaderElection)")) {
            try s.forceLeader("A")
        }
        #expect(throws: SimulationError.self) { try s.open("sim") }
        #expect(throws: SimulationError.self) { try s.partition([["A"], ["A"]]) }
        #expect(throws: SimulationError.self) { try s.setBackground("A", throttleMs: -1) }
        #expect(s.tabs.count == 1 && s.tab(named: "A")!.liveness == .alive)
    }

    @Test func eventLogIsBoundedAndExportsJSONLines() throws {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        let s = try Simulation(options: SimulationOptions(config: config, logCapacity: 50))
        for n in ["A", "B", "C", "D"] { try s.open(n) }
        s.advance(byMs: 60_000)
        #expect(s.log.events.count == 50)
        #expect(s.log.totalCount > 50)
        #expect(s.log.evictedCount == s.log.totalCount - 50)
        let lines = s.exportJSONLines().split(separator: "\n")
        #expect(lines.count == 50)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"kind\":") && $0.contains("\"time\":") })
    }
}

/// A frozen tab's queued work is bounded (issue 12: one tab frozen for 24 simulated hours under load
/// held 3.66 GB of queued work).
@Suite struct FrozenQueueTests {
    @Test func aLongFreezeUnderLoadKeepsOnlyTheNewestMessages() throws {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        config.throttleMs = 0
        let s = try Simulation(
            options: SimulationOptions(
                seed: 2, config: config, network: NetworkConditions(latencyMs: 1...1), initialState: ["n": 0]))
        for name in ["A", "B", "C"] { try s.open(name) }
        s.advance(byMs: 1000)
        try s.freeze("B")
        try s.startWorkload(Workload(editsPerSecondPerTab: 20, keys: ["n"]))
        s.advance(byMs: 120_000)  // about 2 * 20 * 120 = 4 800 updates, and pings and heartbeats, for B
        let b = try #require(s.tab(named: "B"))
        #expect(b.scheduler.queuedCount <= TabScheduler.maxQueuedDeliveries + 8)  // the messages and B's few timers
        #expect(b.scheduler.droppedSinceFreeze > 3000)
        s.stopWorkload()
        s.advance(byMs: 100)
        try s.thaw("B")
        let thawed = s.log.events.last { $0.tab == "B" && $0.kind == .fault }
        #expect(thawed?.line.contains("older messages dropped)") == true)
        s.advance(byMs: 5000)
        #expect(b.state["n"] == s.tab(named: "A")!.state["n"])  // the newest messages carry the last edit
        #expect(s.violations.isEmpty)
    }
}
