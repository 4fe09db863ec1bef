import Testing
import TabSync
@testable import TabSimulator

@Suite struct FuzzerTests {
    /// `tabsim fuzz --seeds 1000` at its defaults: no violation, and proof that the faults it
    /// claims really happened ("sometimes" checks): every kind of fault applied, leaders replaced,
    /// stale leaders stepping down, split brain while partitioned.
    @Test func thousandSeedsHoldEveryInvariant() {
        let fuzzer = Fuzzer()
        var failures: [String] = []
        var simulated = 0
        var coverage: [String: Int] = [:]
        for seed in UInt64(1)...1000 {
            let outcome = fuzzer.run(seed: seed)
            simulated += outcome.simulatedMs
            coverage.merge(outcome.coverage, uniquingKeysWith: +)
            if !outcome.passed { failures.append("seed \(seed): \(outcome.violations)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(simulated > 1000 * 30_000)
        for kind in [
            "set", "freeze", "thaw", "kill", "close", "reopen", "partition", "isolate", "heal", "forceLeader",
            "background", "clockSkew", "network", "leaderships taken", "step-downs on a newer epoch",
            "split-brain moments",
        ] {
            #expect(coverage[kind, default: 0] > 100, "\(kind) happened only \(coverage[kind, default: 0]) times")
        }
    }

    @Test(arguments: [ConflictStrategy.merge, .firstWriteWins, .custom])
    func otherStrategiesHoldToo(strategy: ConflictStrategy) {
        var options = Fuzzer.Options()
        options.strategy = strategy
        options.tabs = 6
        for seed in UInt64(1)...60 {
            let outcome = Fuzzer(options: options).run(seed: seed)
            #expect(outcome.passed, "seed \(seed): \(outcome.violations)")
        }
    }

    /// A saved run is the same run: replayed by the scenario player, it passes and ends with every
    /// tab exactly as the fuzzer left it (ids, roles, epochs, state).
    @Test(arguments: [UInt64(77), 78, 79])
    func aSavedRunReplaysExactly(seed: UInt64) throws {
        let outcome = Fuzzer().run(seed: seed)
        let scenario = try ScenarioParser.parse(yaml: outcome.scenarioYAML, file: "seed\(seed).yaml")
        let player = try ScenarioPlayer(scenario: scenario)
        let results = try player.playToEnd()
        #expect(results.count >= 4)
        let failed = results.filter { !$0.passed }.map(\.text)
        #expect(failed.isEmpty, "\(failed)")
        #expect(player.simulation.describeTabs() == outcome.finalTabs)
        #expect(player.simulation.nowMs == outcome.simulatedMs)
    }

    @Test func sameSeedSameRun() {
        #expect(Fuzzer().run(seed: 5).scenarioYAML == Fuzzer().run(seed: 5).scenarioYAML)
        #expect(Fuzzer().run(seed: 5).scenarioYAML != Fuzzer().run(seed: 6).scenarioYAML)
    }
}

/// One vocabulary: a saved run checks exactly what the fuzz run checked.
@Suite struct FuzzReplayTests {
    /// Under an injected bug (tabs resolve by arrival order while the run expects last-write-wins'
    /// convergence) some seed fails; its saved file, replayed, fails the same checks the same way.
    @Test func aFailingSeedFailsTheSameWayWhenItsSavedFileIsReplayed() throws {
        var options = Fuzzer.Options()
        options.adjustConfig = { $0.conflictStrategy = .arrivalOrder }
        let fuzzer = Fuzzer(options: options)
        let outcome = try #require((UInt64(1)...200).lazy.map(fuzzer.run).first { !$0.passed })
        #expect(
            outcome.violations.contains {
                $0.property == "convergence after faults stop" || $0.property == "the value that must win, won"
            })
        let player = try ScenarioPlayer(scenario: ScenarioParser.parse(yaml: outcome.scenarioYAML, file: "bug.yaml"))
        let replayed = try player.playToEnd().dropLast()  // the last result is the safety summary
        #expect(replayed.map(\.expected) == outcome.checks.map(\.expected))
        #expect(replayed.map(\.found) == outcome.checks.map(\.found))
        #expect(replayed.map(\.passed) == outcome.checks.map(\.passed))
        #expect(replayed.contains { !$0.passed })
    }

    @Test func theSavedRunExpectsLivenessAsTheRunChecksIt() {
        let yaml = Fuzzer().run(seed: 3).scenarioYAML
        for line in [
            "expect: {runningLeaders: 1}", "expect: {allFollow: true}", "expect: {converged: true}",
            "expect: {neverOnWire: \"sessionToken\"}",
        ] {
            #expect(yaml.contains(line), "\(line)")
        }
    }
}
