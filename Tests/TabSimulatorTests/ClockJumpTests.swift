import Testing
import TabSync
@testable import TabSimulator

/// Timeouts are measured on monotonic time: a tab's wall clock jumping back or forward changes no
/// timeout (issue 12: with the followers' clocks set back 60 s, failover took 62.5 s instead of 3 s).
@Suite struct ClockJumpTests {
    /// Milliseconds from the leader's crash until one running tab leads, with the followers' wall
    /// clocks moved by `skewMs` at the crash (after the last heartbeat they heard).
    func failoverMs(skewMs: Milliseconds) throws -> Milliseconds {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let s = try Simulation(
            options: SimulationOptions(
                seed: 3, config: config,
                network: NetworkConditions(latencyMs: 1...1)))
        for name in ["A", "B", "C"] { try s.open(name) }
        s.advance(byMs: 2000)
        let leader = try #require(s.leader?.name)
        s.advance(byMs: 500)
        for name in ["A", "B", "C"] where name != leader && skewMs != 0 { try s.setClockSkew(name, ms: skewMs) }
        try s.kill(leader)
        let crashedAt = s.nowMs
        while s.leader == nil || s.leader?.name == leader {
            guard s.nowMs - crashedAt < 120_000 else { break }
            s.advance(byMs: 10)
        }
        return s.nowMs - crashedAt
    }

    @Test func aClockSetBackChangesNoTimeout() throws {
        let plain = try failoverMs(skewMs: 0)
        #expect(plain <= 4000)
        let setBack = try failoverMs(skewMs: -60_000)
        let setForward = try failoverMs(skewMs: 60_000)
        #expect(setBack == plain)
        #expect(setForward == plain)
    }

    @Test func theWallClockStillStampsWhatGoesOnTheWire() throws {
        let s = try Simulation(
            options: SimulationOptions(
                config: BroadcastSyncConfig(channelName: "t"),
                network: NetworkConditions(latencyMs: 1...1)))
        let a = try s.open("A")
        try s.setClockSkew("A", ms: -60_000)
        #expect(a.scheduler.nowMs == s.nowMs - 60_000)
        #expect(a.scheduler.monotonicNow == MonotonicInstant(ms: s.nowMs))
    }
}
