import Testing
import TabSync
@testable import TabSimulator

@Suite struct FuzzerTests {
    @Test func thousandSeedsHoldEveryInvariant() {
        let fuzzer = Fuzzer()
        var failures: [String] = []
        var simulated = 0
        for seed in UInt64(1)...1000 {
            let outcome = fuzzer.run(seed: seed)
            simulated += outcome.simulatedMs
            if !outcome.passed { failures.append("seed \(seed): \(outcome.violations)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(simulated > 1000 * 30_000)
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

    @Test func aSavedRunReplaysAsAPassingScenario() throws {
        let outcome = Fuzzer().run(seed: 77)
        let scenario = try ScenarioParser.parse(yaml: outcome.scenarioYAML, file: "seed77.yaml")
        let results = try ScenarioPlayer(scenario: scenario).playToEnd()
        #expect(results.count >= 3)
        let failed = results.filter { !$0.passed }.map(\.text)
        #expect(failed.isEmpty, "\(failed)")
    }

    @Test func sameSeedSameRun() {
        #expect(Fuzzer().run(seed: 5).scenarioYAML == Fuzzer().run(seed: 5).scenarioYAML)
        #expect(Fuzzer().run(seed: 5).scenarioYAML != Fuzzer().run(seed: 6).scenarioYAML)
    }
}
