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
        let s = try Simulation(
            options: SimulationOptions(
                seed: 5, config: config, network: NetworkConditions(latencyMs: 1...2000, reorder: 1), logCapacity: 16))
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
