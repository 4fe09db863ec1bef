import Testing
import TabSync
@testable import TabSimulator

/// Tabs that open at the same moment (issue 26, item 3): each tab decides alone whether it is the
/// one to answer a newcomer, and while nobody knows anybody yet many decide they are. A tab that
/// has seen another tab answer a newcomer (its TAB_PONG for it, its STATE_RESPONSE to its join
/// request) leaves the newcomer to that tab.
@Suite struct JoinAtScaleTests {
    /// Join answers per newcomer when `tabs` tabs open at the same instant: the TAB_PONGs addressed
    /// to it and the STATE_RESPONSEs answering its join request, once the channel has settled.
    static func answersPerNewcomer(tabs: Int, seed: UInt64) throws -> (
        simulation: Simulation, pongs: [String: Int], responses: [String: Int]
    ) {
        var config = BroadcastSyncConfig(channelName: "app-sync")
        config.syncKeys = ["theme", "n"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let s = try Simulation(
            options: SimulationOptions(seed: seed, config: config, network: NetworkConditions(latencyMs: 1...5)))
        s.logsTraffic = false
        var pongs: [String: Int] = [:]
        var responses: [String: Int] = [:]
        let old = s.hub.observer
        s.hub.observer = { e in
            old?(e)
            guard case .posted(_, .message(let m), _) = e, let target = m.payload?.targetId else { return }
            if m.type == .tabPong { pongs[target, default: 0] += 1 }
            if m.type == .stateResponse, m.payload?.requestId != nil { responses[target, default: 0] += 1 }
        }
        for i in 0..<tabs {
            try s.open("T\(i)", state: ["theme": .string("t\(i % 7)"), "n": .number(Double(i))])
        }
        s.advance(byMs: 5000)
        return (s, pongs, responses)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func fiftyTabsOpenedAtOnceGetAFewAnswersEach(seed: UInt64) throws {
        let (s, pongs, responses) = try Self.answersPerNewcomer(tabs: 50, seed: seed)
        #expect(s.leaders.count == 1)
        #expect(s.convergence().converged, "\(s.convergence().keys)")
        #expect(s.tabs.allSatisfy { $0.connectedTabs == 49 })
        // One tab answers each newcomer; two when an answer crossed a decision in flight. Before
        // this, tabs opening together sent up to 10 pongs and 6 join answers to one newcomer.
        #expect((pongs.values.max() ?? 0) <= 2, "\(pongs)")
        #expect((responses.values.max() ?? 0) <= 2, "\(responses)")
        #expect(pongs.values.reduce(0, +) <= 2 * 50 && responses.values.reduce(0, +) <= 2 * 50)
    }
}
