import Testing
import TabSync
@testable import TabSimulator

/// Repair (anti-entropy) in virtual time: after the faults stop, the tabs converge with no new edit
/// within one ping interval plus a few latencies, and the repair costs a handful of small messages.
@Suite struct RepairTests {
    func world(seed: UInt64) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "app-sync")
        config.syncKeys = ["theme", "locale", "fontSize"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let s = try Simulation(
            options: SimulationOptions(
                seed: seed, config: config, network: NetworkConditions(latencyMs: 1...5),
                initialState: ["theme": "light", "locale": "en-US", "fontSize": 14]))
        for n in ["A", "B", "C", "D"] {
            try s.open(n)
            s.advance(byMs: 37)
        }
        s.advance(byMs: 2000)
        return s
    }

    /// Counts the state requests and answers posted from now on, and their JSON bytes.
    func countRepairs(_ s: Simulation) -> () -> (messages: Int, bytes: Int) {
        var messages = 0
        var bytes = 0
        let old = s.hub.observer
        s.hub.observer = { e in
            old?(e)
            guard case .posted(_, .message(let m), _) = e,
                [.stateRequest, .stateRepair, .stateResponse].contains(m.type)
            else {
                return
            }
            messages += 1
            bytes += m.jsonText.utf8.count
        }
        return { (messages, bytes) }
    }

    @Test func editsOnBothSidesOfAPartitionMeetAfterItHeals() throws {
        for seed in UInt64(1)...40 {
            let s = try world(seed: seed)
            try s.partition([["A", "B"], ["C", "D"]])
            s.advance(byMs: Int(seed * 97 % 1000))
            try s.set("A", ["theme": "dark"])
            try s.set("C", ["locale": "fr-FR"])
            s.advance(byMs: 3000)
            #expect(!s.convergence().converged)
            let repairs = countRepairs(s)
            s.heal()
            let healed = s.nowMs
            while !s.convergence().converged && s.nowMs < healed + 10_000 { s.advance(byMs: 1) }
            #expect(s.nowMs - healed <= 2000 + 100, "seed \(seed)")
            #expect(s.tab(named: "D")!.state == ["theme": "dark", "locale": "fr-FR", "fontSize": 14])
            #expect(repairs().messages <= 12, "seed \(seed)")
        }
    }

    @Test func anUpdateLostToEveryTabIsFetched() throws {
        for seed in UInt64(1)...40 {
            let s = try world(seed: seed)
            try s.setNetwork(NetworkConditions(latencyMs: 1...5, drop: 1))
            try s.set("B", ["fontSize": 18])
            s.advance(byMs: Int(seed * 53 % 1500))
            try s.setNetwork(NetworkConditions(latencyMs: 1...5))
            let restored = s.nowMs
            while !s.convergence().converged && s.nowMs < restored + 10_000 { s.advance(byMs: 1) }
            #expect(s.nowMs - restored <= 2000 + 100, "seed \(seed)")
            #expect(s.tab(named: "A")!.state["fontSize"] == 18)
        }
    }

    /// Quiet and equal tabs exchange no repair at all: only their pings, each with a 16-character digest.
    @Test func inSyncTabsSendNoRepair() throws {
        let s = try world(seed: 3)
        let repairs = countRepairs(s)
        s.advance(byMs: 20_000)
        #expect(repairs().messages == 0)
        #expect(Set(s.tabs.map(\.sync.digest)).count == 1)
    }
}
