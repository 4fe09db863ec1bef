import Testing
import TabSync
@testable import TabSimulator

/// Swarm runs draw their configuration too: the JSON wire on a quarter of the seeds, timers from
/// near their floors, and on a quarter one tab configured unlike the others.
@Suite struct SwarmConfigTests {
    static func draw(_ seed: UInt64, mixed: Bool = true) -> SwarmConfig {
        SwarmConfig.draw(seed: seed, strategy: .lastWriteWins, keys: Fuzzer.keys, tabs: 4, mixed: mixed)
    }

    @Test func sharesAndRangesAreAsStated() throws {
        let draws = (1...2000).map { Self.draw(UInt64($0)) }
        let wire = draws.count(where: \.wireJSON)
        let odd = draws.count { $0.odd != nil }
        #expect((400...600).contains(wire), "JSON wire in \(wire) of 2000")
        #expect((400...600).contains(odd), "one tab apart in \(odd) of 2000")
        #expect(Set(draws.compactMap { $0.odd.map { "\($0.difference)".split(separator: " ")[0] } }).count == 3)
        #expect(Set(draws.compactMap { $0.odd?.tab }) == [0, 1, 2, 3])
        for d in draws {
            #expect((50...2000).contains(d.leaderHeartbeatMs) && (10...1000).contains(d.electionTimeoutMs))
            #expect((100...4000).contains(d.tabPingIntervalMs) && (0...500).contains(d.throttleMs))
            var options = Fuzzer.Options()
            options.fixedMix = false
            let config = Fuzzer(options: options).config(d)
            try config.validate()
            try d.oddConfig(from: config)?.validate()
            if case .strategy(let s) = d.odd?.difference { #expect(s != .lastWriteWins && s.converges) }
        }
        #expect(draws.allSatisfy { Self.draw(1) == draws[0] && $0.description.contains("ping") })
        #expect((1...500).allSatisfy { Self.draw(UInt64($0), mixed: false).odd == nil })
        // The fault mix of a seed stays what it was before configurations were drawn.
        #expect(Swarm.draw(seed: 7) == Swarm.draw(seed: 7))
    }

    /// The first seed whose draw has the JSON wire and a tab apart.
    static let wireAndOddSeed: UInt64 = (1...1000).first { draw(UInt64($0)).wireJSON && draw(UInt64($0)).odd != nil }
        .map(UInt64.init)!

    @Test func aRunCarriesItsConfigurationIntoItsFileAndReplaysExactly() throws {
        var options = Fuzzer.Options()
        options.fixedMix = false
        let seed = Self.wireAndOddSeed
        let outcome = Fuzzer(options: options).run(seed: seed)
        #expect(outcome.setup == Self.draw(seed))
        #expect(
            outcome.coverage["runs on the JSON wire"] == 1
                && outcome.coverage["runs with one tab configured apart"] == 1)
        #expect(outcome.scenarioYAML.contains("wireJSON: true"))
        #expect(outcome.scenarioYAML.contains("tabConfig:"))
        #expect(
            outcome.scenarioYAML.contains("winners: \"last-write-wins\"")
                && outcome.scenarioYAML.contains("maxSentPerSecond:"))
        let again = Fuzzer(options: options).run(seed: seed)
        #expect(again.scenarioYAML == outcome.scenarioYAML && again.finalTabs == outcome.finalTabs)
        let player = try ScenarioPlayer(scenario: ScenarioParser.parse(yaml: outcome.scenarioYAML, file: "s.yaml"))
        let results = try player.playToEnd()
        #expect(results.dropLast().map(\.found) == outcome.checks.map(\.found))
        #expect(player.simulation.describeTabs() == outcome.finalTabs)
    }

    @Test func theWireFlagPutsEverySeedOnTheWire() {
        var options = Fuzzer.Options()
        options.wireJSON = true
        let outcome = Fuzzer(options: options).run(seed: 3)
        #expect(outcome.passed, "\(outcome.violations)")
        #expect(outcome.scenarioYAML.contains("wireJSON: true"))
    }

    /// Seeds where one tab is configured unlike the others: safety, liveness, convergence and the
    /// winners among the tabs alike, and traffic bounded after the faults. A storm of repair between
    /// tabs that can never agree breaks the traffic bound; the engine's config fingerprint stops it.
    @Test
    func aTabConfiguredApartNeverMakesTheChannelStorm() {
        var options = Fuzzer.Options()
        options.fixedMix = false
        let fuzzer = Fuzzer(options: options)
        let seeds = (1...400).map(UInt64.init).filter { Self.draw($0).odd != nil }.prefix(40)
        #expect(seeds.count == 40)
        for seed in seeds {
            let outcome = fuzzer.run(seed: seed)
            #expect(outcome.passed, "seed \(seed) (\(outcome.setup)): \(outcome.violations)")
        }
    }
}
