import Testing
import TabSync
@testable import TabSimulator

/// Swarm fuzzing: each seed's own mix, the fixed mix of old, and the named calm (`heal: all`).
@Suite struct SwarmTests {
    @Test func theFixedMixRollsAsTheOldThresholds() {
        let fixed = Swarm.fixed
        #expect(fixed.totalWeight == 100 && fixed.editWeight == 60)
        let expected: [(ClosedRange<Int>, Swarm.Fault)] = [
            (60...65, .freeze), (66...72, .thaw), (73...76, .kill), (77...79, .close), (80...85, .reopen),
            (86...87, .partition), (88...88, .isolate), (89...91, .heal), (92...93, .forceLeader),
            (94...95, .background), (96...97, .clockSkew), (98...99, .network),
        ]
        for (rolls, fault) in expected {
            for roll in rolls { #expect(fixed.fault(forRoll: roll) == fault, "roll \(roll)") }
        }
    }

    @Test func eachSeedDrawsItsOwnMixWithinTheRanges() {
        let mixes = (UInt64(1)...300).map(Swarm.draw)
        #expect(Swarm.draw(seed: 7) == mixes[6])
        #expect(Set(mixes.map(\.description)).count == 300)
        for mix in mixes {
            #expect((20...80).contains(mix.editWeight))
            #expect(mix.faultWeights.count == Swarm.Fault.allCases.count)
            #expect(mix.faultWeights.allSatisfy { (0...10).contains($0) })
            #expect(mix.gapMs.lowerBound >= 1 && mix.gapMs.upperBound <= 1050)
            #expect(mix.drops.allSatisfy { (0...0.5).contains($0) } && mix.duplicates.allSatisfy { $0 <= 0.3 })
            #expect((0...5000).contains(mix.clockSkewMs))
        }
        // Every fault is left out of some runs and weighed in others.
        for i in Swarm.Fault.allCases.indices {
            #expect(mixes.contains { $0.faultWeights[i] == 0 } && mixes.contains { $0.faultWeights[i] > 0 })
        }
    }

    /// Swarm runs replay exactly from their saved files, and the mix shows in the run: a seed whose
    /// mix leaves a fault out never applies it.
    @Test(arguments: [UInt64(11), 12, 13])
    func aSwarmRunReplaysExactlyAndFollowsItsMix(seed: UInt64) throws {
        var options = Fuzzer.Options()
        options.fixedMix = false
        let outcome = Fuzzer(options: options).run(seed: seed)
        #expect(outcome.swarm == Swarm.draw(seed: seed))
        for (fault, weight) in zip(Swarm.Fault.allCases, outcome.swarm.faultWeights)
        where weight == 0 && ![.heal, .network, .thaw, .reopen, .background].contains(fault) {
            #expect(outcome.coverage[fault.rawValue] == nil, "\(fault) applied with weight 0")
        }
        let player = try ScenarioPlayer(scenario: ScenarioParser.parse(yaml: outcome.scenarioYAML, file: "s.yaml"))
        let results = try player.playToEnd()
        #expect(results.dropLast().map(\.found) == outcome.checks.map(\.found))
        #expect(player.simulation.describeTabs() == outcome.finalTabs)
    }

    @Test func healAllBringsEveryTabBackRunningAndReadsBack() throws {
        let yaml = """
            config: {enableLeaderElection: true, leaderHeartbeatMs: 1000}
            steps:
              - {at: 0ms, open: A}
              - {at: 0ms, open: B}
              - {at: 0ms, open: C}
              - {at: 0ms, open: D}
              - {at: 1s, freeze: A}
              - {at: 1s, kill: B}
              - {at: 1s, background: {tab: C, throttleMs: 5000}}
              - {at: 1s, cut: {from: D, to: C}}
              - {at: 1s, network: {latencyMs: [1, 9], drop: 0.5}}
              - {at: 2s, heal: all}
              - {at: 12s, expect: {runningLeaders: 1}}
              - {at: 12s, expect: {allFollow: true}}
            """
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "h.yaml")
        guard case .action(.healAll) = scenario.steps[9].kind else {
            Issue.record("not heal: all")
            return
        }
        #expect(try ScenarioWriter.yaml(scenario).contains("{at: 2000ms, heal: all}"))
        let player = try ScenarioPlayer(scenario: scenario)
        try player.advance(toMs: 2000)
        let sim = player.simulation
        #expect(sim.tabs.allSatisfy { $0.liveness == .alive && $0.scheduler.throttleMs == 0 })
        #expect(!sim.isCut(from: "D", to: "C") && sim.options.network == NetworkConditions(latencyMs: 1...5))
        #expect(try player.playToEnd().allSatisfy(\.passed))
    }
}
