import ArgumentParser
import Foundation
import TabSimulator
import TabSync

extension ConflictStrategy: ExpressibleByArgument {}

/// `tabsim fuzz`: many seeded runs of random faults over random edits, every invariant checked.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Random fault schedules over random edits; checks safety, liveness and convergence.",
        discussion: """
            Each seed is one deterministic run: tabs open, then faults (freeze, thaw, kill, close, reopen,
            partitions, isolated tabs, forced leaders, background throttling, clock skew, networks that
            lose, duplicate and reorder) mix with edits; safety is checked on every event. Then every
            fault heals, and the checker asks for exactly one leader followed by all and, under
            last-write-wins and merge, for converged state after a last edit. The summary counts seeds,
            simulated hours and what happened (coverage). On a violation it prints the seed, the
            property and the command that replays that run, and exits 1. Examples:
              tabsim fuzz --seeds 1000
              tabsim fuzz --seeds 200 --tabs 8 --strategy merge
              tabsim fuzz --seeds 1 --start-seed 42 --save seed42.yaml     keep a run as a scenario file
            """
    )

    @Option(help: "How many seeds to run.") var seeds = 100
    @Option(help: "Tabs per run.") var tabs = 4
    @Option(help: "First seed.") var startSeed: UInt64 = 1
    @Option(help: "Conflict strategy: \(ConflictStrategy.allCases.map(\.rawValue).joined(separator: ", ")).") var strategy: ConflictStrategy = .lastWriteWins
    @Option(help: "Simulated length of each run's fault phase, in seconds.") var chaosSeconds = 30
    @Option(help: "Write the first failing run (or, with --seeds 1, the run) as a scenario file.") var save: String?

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be at least 1") }
        guard (1...26).contains(tabs) else { throw ValidationError("--tabs must be between 1 and 26") }
        guard (1...86_400).contains(chaosSeconds) else { throw ValidationError("--chaos-seconds must be between 1 and 86400") }
        guard startSeed <= UInt64.max - UInt64(seeds) else { throw ValidationError("--start-seed is too large for \(seeds) seeds") }
    }

    func run() throws {
        var options = Fuzzer.Options()
        options.tabs = tabs
        options.strategy = strategy
        options.chaosMs = chaosSeconds * 1000
        let fuzzer = Fuzzer(options: options)
        let started = ContinuousClock.now
        var simulatedMs = 0, faults = 0, edits = 0
        var coverage: [String: Int] = [:]
        var failures: [Fuzzer.Outcome] = []
        var diverged = 0
        for seed in startSeed..<(startSeed + UInt64(seeds)) {
            let outcome = fuzzer.run(seed: seed)
            simulatedMs += outcome.simulatedMs
            faults += outcome.faults
            edits += outcome.edits
            coverage.merge(outcome.coverage, uniquingKeysWith: +)
            if outcome.divergence != nil { diverged += 1 }
            if !outcome.passed {
                failures.append(outcome)
                print("FAIL seed \(seed):")
                for v in outcome.violations { print("  \(v)") }
                print("  replay: tabsim fuzz --seeds 1 --start-seed \(seed) --tabs \(tabs) --strategy \(strategy.rawValue) --chaos-seconds \(chaosSeconds) --save seed\(seed).yaml")
            }
            if let save, (!outcome.passed && failures.count == 1) || seeds == 1 {
                try outcome.scenarioYAML.write(toFile: save, atomically: true, encoding: .utf8)
                print("saved seed \(seed) as \(save) (replay: tabsim run \(save))")
            }
        }
        let elapsed = started.duration(to: .now)
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let hours = Double(simulatedMs) / 3_600_000
        print("fuzz: \(seeds) seeds (\(startSeed)...\(startSeed + UInt64(seeds) - 1)), \(tabs) tabs, \(strategy.rawValue): "
              + "\(seeds - failures.count) passed, \(failures.count) failed, \(diverged) diverged after the calm"
              + (strategy.converges ? "" : " (not a failure: \(strategy.rawValue) does not promise convergence)"))
        print("fuzz: \(edits) edits, \(faults) faults, \(String(format: "%.2f", hours)) simulated hours in \(String(format: "%.2f", wall)) s "
              + "(\(String(format: "%.0f", Double(seeds) / max(wall, 1e-9))) seeds/s, \(String(format: "%.0f", Double(simulatedMs) / 1000 / max(wall, 1e-9))) simulated s per s)")
        print("fuzz: coverage: " + coverage.keys.sorted().map { "\($0) \(coverage[$0]!)" }.joined(separator: ", "))
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
