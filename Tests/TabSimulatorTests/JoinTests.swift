import Testing
import TabSync
@testable import TabSimulator

/// Joining at scale: one tab answers each newcomer, so many tabs opening together cost a few
/// broadcasts per join instead of one answer and one pong from every tab.
@Suite struct JoinTests {
    @Test func aHundredTabsOpenedWithinASecondReachOneLeaderAndOneState() throws {
        var config = BroadcastSyncConfig(channelName: "app-sync")
        config.syncKeys = ["theme", "n"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let s = try Simulation(
            options: SimulationOptions(seed: 1, config: config, network: NetworkConditions(latencyMs: 1...5)))
        s.logsTraffic = false
        var sent: [SyncMessageType: Int] = [:]
        let old = s.hub.observer
        s.hub.observer = { e in
            old?(e)
            if case .posted(_, .message(let m), _) = e { sent[m.type, default: 0] += 1 }
        }
        for i in 0..<100 {
            try s.open("T\(i)", state: ["theme": .string("t\(i % 7)"), "n": .number(Double(i))])
            s.advance(byMs: 10)
        }
        s.advance(byMs: 3000)
        #expect(s.leaders.count == 1)
        #expect(s.convergence().converged, "\(s.convergence().keys)")
        #expect(s.tab(named: "T99")!.state == ["theme": "t0", "n": 0])  // the oldest tab's defaults
        #expect(s.tabs.allSatisfy { $0.connectedTabs == 99 })
        #expect(sent[.stateResponse, default: 0] <= 2 * 100)
        #expect(sent[.tabPong, default: 0] <= 2 * 100)
    }
}
