import Testing
import TabSync
@testable import TabSimulator

/// Same options and calls, same log: byte for byte.
@Suite struct DeterminismTests {
    func sim(seed: UInt64 = 1, election: Bool = true, network: NetworkConditions = NetworkConditions(latencyMs: 1...1))
        throws -> Simulation
    {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = election
        config.leaderHeartbeatMs = 1000
        config.excludeKeys = ["sessionToken"]
        return try Simulation(
            options: SimulationOptions(seed: seed, config: config, network: network, initialState: ["theme": "light"]))
    }

    /// A short session exercising most faults; returns its log as text.
    func session(seed: UInt64) throws -> [String] {
        let s = try sim(seed: seed, network: NetworkConditions(latencyMs: 1...20, drop: 0.1, duplicate: 0.1))
        try s.open("A")
        s.advance(byMs: 30)
        try s.open("B")
        try s.open("C")
        s.advance(byMs: 1000)
        try s.set("B", ["theme": "dark"])
        try s.freeze("A")
        s.advance(byMs: 5000)
        try s.thaw("A")
        try s.partition([["A"], ["B", "C"]])
        s.advance(byMs: 5000)
        s.heal()
        try s.kill("C")
        s.advance(byMs: 5000)
        return s.log.events.map(\.text)
    }

    @Test func sameSeedSameLogByteForByte() throws {
        let first = try session(seed: 42)
        #expect(first.count > 100)
        #expect(try session(seed: 42) == first)
        #expect(try session(seed: 43) != first)
    }

    /// A scenario file played twice gives the same JSON log, and a different seed a different one.
    @Test func sameScenarioSameJSONLog() throws {
        let yaml = """
            seed: 5
            config: {channelName: app, syncKeys: [theme, n], enableLeaderElection: true, leaderHeartbeatMs: 1000}
            network: {latencyMs: [1, 30], drop: 0.1, duplicate: 0.1, reorder: 0.2}
            initialState: {theme: light, n: 0}
            steps:
              - {at: 0ms, open: A}
              - {at: 0ms, open: B}
              - {at: 100ms, open: C}
              - {at: 1s, workload: {editsPerSecond: 10, until: 8s}}
              - {at: 2s, freeze: A}
              - {at: 3s, partition: [[B], [A, C]]}
              - {at: 5s, thaw: A}
              - {at: 6s, kill: C}
              - {at: 7s, heal: true}
              - {at: 8s, reopen: C}
              - {at: 12s, expect: {leaders: 1}}
            """
        func play(_ text: String) throws -> String {
            let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: text, file: "d.yaml"))
            _ = try player.playToEnd()
            return player.simulation.exportJSONLines()
        }
        let first = try play(yaml)
        #expect(first.split(separator: "\n").count > 500)
        #expect(try play(yaml) == first)
        #expect(try play(yaml.replacingOccurrences(of: "seed: 5", with: "seed: 6")) != first)
    }
}
