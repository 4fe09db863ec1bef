import Testing
@testable import TabSync
@testable import TabSimulator

/// No configuration lets traffic grow without bound (issue 12): with tiny election timers, long
/// latency and full reordering, leaders answered every stale LEADER_ANNOUNCE with a broadcast and
/// traffic grew 5 to 8 times per simulated second until memory ran out.
@Suite struct TrafficBoundTests {
    /// Frames posted in each simulated second of a run of `seconds` with the storm's configuration.
    /// Stops early once a second carries more than `cap` frames.
    func framesPerSecond(seconds: Int, cap: Int) throws -> [Int] {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 20
        config.electionTimeoutMs = 1
        config.tabPingIntervalMs = 1000
        return try Self.framesPerSecond(
            config, seed: 5, network: NetworkConditions(latencyMs: 1...2000, reorder: 1), seconds: seconds, cap: cap)
    }

    /// Frames posted in each simulated second of a run of four tabs, stopping early once a second
    /// carries more than `cap`.
    static func framesPerSecond(
        _ config: BroadcastSyncConfig, seed: UInt64, network: NetworkConditions, seconds: Int, cap: Int = .max
    ) throws -> [Int] {
        let s = try Simulation(
            options: SimulationOptions(seed: seed, config: config, network: network, logCapacity: 16))
        s.logsTraffic = false
        for name in ["A", "B", "C", "D"] { try s.open(name) }
        var counts: [Int] = []
        for _ in 0..<seconds {
            let before = s.hub.postedCount
            s.advance(byMs: 1000)
            counts.append(s.hub.postedCount - before)
            if counts.last! > cap { break }
        }
        return counts
    }

    @Test func staleClaimsAreAnsweredAtABoundedRate() throws {
        // Each tab sends per heartbeat interval at most one heartbeat (or election round) and 16
        // answers: with 4 tabs and a 20 ms heartbeat, 4 * 50 * 17 = 3400 frames a second, plus a
        // few pings, pongs and state messages.
        let bound = 4 * 50 * (1 + LeaderElection.maxAnswersPerInterval) + 100
        let counts = try framesPerSecond(seconds: 15, cap: bound)
        #expect(counts.count == 15 && counts.allSatisfy { $0 <= bound }, "\(counts)")
    }
}

/// Traffic stays bounded whatever the configuration (issue 21): timers below the floors are refused
/// by name, timeouts grow to a few measured round trips, and tabs whose configurations cannot agree
/// stop repairing each other instead of storming.
@Suite struct ConfigurationBoundTests {
    @Test func timersBelowTheFloorAreRefusedByName() {
        var config = BroadcastSyncConfig(channelName: "t")
        config.leaderHeartbeatMs = 1
        #expect(throws: ConfigurationError.self) { try config.validate() }
        do { try config.validate() } catch { #expect(error.field == "leaderHeartbeatMs") }
        config.leaderHeartbeatMs = BroadcastSyncConfig.minimumIntervalMs
        config.tabPingIntervalMs = 5
        do { try config.validate() } catch { #expect(error.field == "tabPingIntervalMs") }
    }

    /// The smallest timers allowed on a slow, reordering network: ten simulated seconds end, and
    /// announces do not multiply (they used to grow about 6x per second and never finish).
    @Test func theSmallestTimersOnASlowNetworkStayBounded() throws {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = BroadcastSyncConfig.minimumIntervalMs
        config.leaderTimeoutMs = BroadcastSyncConfig.minimumIntervalMs + 1
        config.electionTimeoutMs = 1
        let perSecond = try TrafficBoundTests.framesPerSecond(
            config, seed: 9, network: NetworkConditions(latencyMs: 100...600, reorder: 1), seconds: 10)
        // Per tab and second: 100 heartbeats or rounds, 16 answers a 100 ms window (160), a ping,
        // a few state messages: about 300; four tabs, 1200.
        #expect(perSecond.allSatisfy { $0 <= 1200 }, "\(perSecond)")
        #expect(perSecond.suffix(5).max()! <= perSecond.prefix(5).max()! + 100, "\(perSecond)")
    }

    /// A rolling deploy: one tab on first-write-wins among tabs on last-write-wins. They say once
    /// that their configurations differ, and stop repairing each other: no storm of answers.
    @Test func tabsWithDifferentStrategiesSayItOnceAndDoNotStorm() throws {
        var config = BroadcastSyncConfig(channelName: "t")
        config.throttleMs = 0
        let s = try Simulation(
            options: SimulationOptions(
                seed: 3, config: config, network: NetworkConditions(latencyMs: 1...20, reorder: 0.5),
                initialState: ["theme": "light"]))
        for name in ["A", "B", "C"] { try s.open(name) }
        try s.tab(named: "C")!.sync.setConflictStrategy(.firstWriteWins)
        s.advance(byMs: 3000)
        for (i, tab) in ["A", "C", "B", "C", "A"].enumerated() {
            try s.set(tab, ["theme": .string("t\(i)")])
            s.advance(byMs: 7)
        }
        s.advance(byMs: 5000)
        var answers = 0
        s.onEvent = { e in if e.kind == .sent && e.messageType == .stateResponse { answers += 1 } }
        s.advance(byMs: 10_000)
        #expect(answers <= 4, "\(answers) answers in 10 s")
        let differs = s.log.events.filter { $0.line.contains("Configuration of") }
        #expect(differs.count == 4, "\(differs.map(\.line))")  // A and B about C, C about A and B
        #expect(s.tab(named: "A")!.state == s.tab(named: "B")!.state)
    }
}

/// Idle traffic grows with the tab count, not its square (issue 26): from 16 tabs on, each tab
/// pings less often as the channel grows, and counts every other tab all the same.
@Suite struct IdleTrafficTests {
    @Test func pingsStretchWithTheLiveCountAndEveryTabStillCountsEveryOther() throws {
        let config = BroadcastSyncConfig(channelName: "t")
        let s = try Simulation(
            options: SimulationOptions(seed: 4, config: config, network: NetworkConditions(latencyMs: 1...5)))
        s.logsTraffic = false
        for i in 0..<40 { try s.open("T\(i)") }
        s.advance(byMs: 10_000)
        var pings = 0
        let old = s.hub.observer
        s.hub.observer = { e in
            old?(e)
            if case .posted(_, .message(let m), _) = e, m.type == .tabPing { pings += 1 }
        }
        s.advance(byMs: 60_000)
        // 40 tabs count 40 / 16 = 2: one ping each per 4 s, 600 in a minute (1,200 unstretched).
        #expect((560...640).contains(pings), "\(pings) pings")
        #expect(s.tabs.allSatisfy { $0.sync.getConnectedTabs() == 39 })
    }
}
