import Testing
import TabSync
@testable import TabSimulator

/// Messages in flight: each one followed from its send to each delivery, on the teaching network.
@Suite struct MessageFlightTests {
    func sim(network: NetworkConditions = .teaching, seed: UInt64 = 3) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let s = try Simulation(options: SimulationOptions(seed: seed, config: config, network: network))
        s.tracksFlights = true
        return s
    }

    /// Receipts in the log, as (receiver, type, time).
    func receipts(_ s: Simulation) -> [String] {
        s.log.events.filter { $0.kind == .received }.map { "\($0.tab) \($0.messageType!.rawValue) \($0.timeMs)" }
            .sorted()
    }

    @Test func everyCopyIsInFlightFromItsSendToItsDueTimeThenDelivered() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        try s.open("C")
        var sawInFlight = 0
        while let due = s.nextEventMs, due <= 8000 {
            s.step()
            for f in s.messagesInFlight {
                sawInFlight += 1
                for d in f.deliveries where d.outcome == .inFlight {
                    let due = try #require(d.dueMs)
                    #expect(f.sentMs < s.nowMs || f.sentMs == s.nowMs)
                    #expect(due >= s.nowMs, "a copy past its due time is still in flight")
                    #expect((300...900).contains(due - f.sentMs))
                }
            }
        }
        #expect(sawInFlight > 100)
        // Each delivered copy arrived at its due time, and each matches one receipt in the log.
        var delivered: [String] = []
        for f in s.flights {
            for d in f.deliveries {
                if case .delivered(let at) = d.outcome {
                    #expect(at == d.dueMs)
                    delivered.append("\(d.receiver) \(f.type!.rawValue) \(at)")
                }
            }
        }
        #expect(delivered.sorted() == receipts(s))
    }

    @Test func countsPerPaneAndFieldsOfAHeartbeat() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.run(untilMs: 6000)
        let leader = try #require(s.leader)
        // Run to just after the leader's next heartbeat.
        while !(s.messagesInFlight.last.map { $0.type == .heartbeat && $0.sentMs == s.nowMs } ?? false) { s.step() }
        let hb = try #require(s.messagesInFlight.last)
        #expect(hb.sender == leader.name)
        #expect(hb.epoch == leader.epoch)
        #expect(Set(hb.pendingReceivers) == Set(["A", "B", "C"]).subtracting([leader.name]))
        #expect(hb.dueMs == hb.deliveries.compactMap(\.dueMs).max())
        let follower = s.tabs.first { $0.name != leader.name }!.name
        #expect(
            s.inFlightCount(to: follower)
                == s.messagesInFlight.reduce(0) { n, f in
                    n + f.deliveries.count { $0.receiver == follower && $0.outcome == .inFlight }
                })
        #expect(s.inFlightCount(to: follower) >= 1 && s.inFlightCount(from: leader.name) >= 1)
        s.run(untilMs: hb.dueMs!)
        #expect(!s.flights.first { $0.id == hb.id }!.isInFlight)
    }

    @Test func aFrozenReceiverGetsItsCopyOnThawAndAKilledOneNever() throws {
        let s = try sim(network: NetworkConditions(latencyMs: 100...100))
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.run(untilMs: 3000)
        try s.freeze("B")
        try s.kill("C")
        try s.set("A", ["k": 1])
        let update = try #require(s.flights.last { $0.type == .stateUpdate })
        s.run(untilMs: 5000)
        let later = try #require(s.flights.first { $0.id == update.id })
        #expect(later.pendingReceivers == ["B"], "waits for the thaw")
        #expect(later.deliveries.map(\.receiver) == ["B"], "no copy is addressed to a crashed tab")
        try s.thaw("B")
        let thawed = try #require(s.flights.first { $0.id == update.id })
        #expect(thawed.deliveries[0].outcome == .delivered(atMs: 5000))

        try s.freeze("B")
        try s.set("A", ["k": 2])
        let second = try #require(s.flights.last { $0.type == .stateUpdate })
        try s.close("B")
        #expect(s.flights.first { $0.id == second.id }!.deliveries[0].outcome == .undelivered)
        #expect(s.inFlightCount(to: "B") == 0)
    }

    @Test func partitionsBlockAndTheNetworkLoses() throws {
        let s = try sim(network: NetworkConditions(latencyMs: 10...10, drop: 0.5), seed: 9)
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.run(untilMs: 2000)
        try s.partition([["A"], ["B", "C"]])
        s.run(untilMs: 6000)
        let outcomes = s.flights.filter { $0.sentMs > 2000 }.flatMap(\.deliveries)
        #expect(outcomes.contains { $0.outcome == .blocked })
        #expect(outcomes.contains { $0.outcome == .lost })
        for f in s.flights where f.sentMs > 2000 {
            for d in f.deliveries where (f.sender == "A") != (d.receiver == "A") { #expect(d.outcome == .blocked) }
        }
    }

    @Test func offByDefault() throws {
        let s = try Simulation(options: SimulationOptions())
        try s.open("A")
        try s.open("B")
        s.run(untilMs: 1000)
        #expect(s.flights.isEmpty)
    }

    @Test func presetsByName() throws {
        #expect(NetworkConditions.preset(named: "teaching") == NetworkConditions(latencyMs: 300...900))
        #expect(NetworkConditions.preset(named: "nope") == nil)
        let yaml = "name: x\nnetwork: teaching\nsteps:\n  - {at: 0ms, open: A}\n"
        #expect(try ScenarioParser.parse(yaml: yaml, file: "x.yaml").options.network == .teaching)
        #expect(throws: ScenarioError.self) {
            try ScenarioParser.parse(yaml: "network: slowish\nsteps: []\n", file: "y.yaml")
        }
        do {
            _ = try ScenarioParser.parse(yaml: "network: slowish\nsteps: []\n", file: "y.yaml")
        } catch {
            #expect(error.description.contains("unknown network preset 'slowish'"))
        }
    }

    @Test func aFrozenLeadersHeartbeatCountdownStaysAtZero() throws {
        let s = try sim(network: .local)
        try s.open("A")
        try s.open("B")
        s.run(untilMs: 3000)
        try s.freeze("A")
        s.run(untilMs: 5000)
        let a = try #require(s.snapshot(of: "A"))
        #expect(a.countdowns?.heartbeat == Countdown(remainingMs: 0, periodMs: 1000))
        try s.kill("A")
        #expect(s.snapshot(of: "A")!.countdowns == SyncTimers(priority: 0))
    }
}
