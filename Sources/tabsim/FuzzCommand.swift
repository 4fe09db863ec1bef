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
            lose, duplicate and reorder) mix with edits; safety is checked on every event. Each seed draws
            its own mix (swarm testing: fault weights, some faults left out, pacing, latency ranges and
            rates), printed with the seed; --fixed-mix gives every seed the one mix of old. Then every
            fault heals, and the checker asks for exactly one leader followed by all and, under the
            strategies that promise it, for converged state. The summary counts seeds, simulated hours
            and what happened (coverage); its last line, `summary: key=value...`, is made of counts, so
            the lines of several shards add up. On a violation it prints the seed, its mix, the
            property and the command that replays that run, and exits 1. Examples:
              tabsim fuzz --seeds 1000
              tabsim fuzz --seeds 200 --tabs 8 --strategy merge
              tabsim fuzz --seeds 10000 --shard 2/4        the seeds 2, 6, 10... of 1...10000
              tabsim fuzz --seeds 1 --start-seed 42 --save seed42.yaml     keep a run as a scenario file
            Swarm ranges: \(Swarm.ranges)
            Swarm configurations: \(SwarmConfig.ranges)
            """
    )

    @Option(parsing: .unconditional, help: "How many seeds to run.") var seeds = 100
    @Option(parsing: .unconditional, help: "First seed.") var startSeed: UInt64 = 1
    @OptionGroup var simulation: SimulationArguments
    /// Tabs per run (4 unless `--tabs`).
    var tabs: Int { simulation.tabs ?? 4 }
    var strategy: ConflictStrategy { simulation.strategy ?? .lastWriteWins }
    @Option(parsing: .unconditional, help: "Simulated length of each run's fault phase, in seconds.")
    var chaosSeconds = 30
    @Option(
        help: ArgumentHelp(
            "Write the first failing run (or, with --seeds 1, the run) as a scenario file "
                + "(--chaos-seconds at most 300, and a run tabsim run accepts: one it would refuse is not written)."))
    var save: String?
    @Flag(help: "Give every seed the fixed mix of faults and ranges instead of drawing one per seed.")
    var fixedMix = false
    @Flag(help: "Send every seed's frames as JSON bytes, as between processes (swarm runs draw it 1 in 4).")
    var wireJSON = false
    @Flag(help: "Never give one tab of a swarm run a configuration unlike the others'.")
    var noMixedConfigs = false
    @Option(help: "Run shard i of n (1-based): the seeds at offsets i-1, i-1+n, i-1+2n... of the range.")
    var shard: String?
    @Option(
        help: ArgumentHelp(
            "Play the last tab of every run by this command: your implementation of the spec as an external tab "
                + "(e.g. \"node Examples/external/node-tab.mjs my-sync.mjs\")."))
    var external: String?
    @Option(help: "How long the external tab may take to answer one request, in wall-clock ms.")
    var externalDeadlineMs = 10_000

    /// `--shard i/n` as (i, n), or (1, 1).
    private var shardParts: (index: Int, count: Int)? {
        guard let shard else { return (1, 1) }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            return nil
        }
        return (i, n)
    }

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be at least 1 (got \(seeds))") }
        guard (1...86_400).contains(chaosSeconds) else {
            throw ValidationError("--chaos-seconds must be between 1 and 86400 (got \(chaosSeconds))")
        }
        guard startSeed <= UInt64.max - UInt64(seeds) else {
            throw ValidationError(
                "--start-seed is too large for \(seeds) seeds (at most \(UInt64.max - UInt64(seeds)))")
        }
        if save != nil {
            var options = Fuzzer.Options()
            options.tabs = tabs
            options.strategy = strategy
            let longest = Fuzzer(options: options).longestSavableChaosMs / 1000
            guard chaosSeconds <= longest else {
                throw ValidationError(
                    "--chaos-seconds must be at most \(longest) with --save (got \(chaosSeconds)): a saved run "
                        + "must fit a scenario file (steps within \(ScenarioLimits.maxTimeMs / 60_000) minutes, at most "
                        + "1 MiB and \(ScenarioLimits.maxNodes) values, a run within tabsim run's limits)")
            }
        }
        guard shardParts != nil else { throw ValidationError("--shard takes i/n with 1 <= i <= n, like 2/4") }
        guard externalDeadlineMs > 0 else { throw ValidationError("--external-deadline-ms must be more than 0") }
    }

    /// Refuses to write a run that `tabsim run` would refuse: the file is read and played as `run`
    /// plays it, so a busy long run that passes the file's size limit or the run's limits
    /// (`ScenarioLimits`) is caught; the file is not written and the command exits 2.
    static func checkReplayable(_ yaml: String, seed: UInt64, as path: String) throws {
        do {
            let scenario = try ScenarioParser.parse(yaml: yaml, file: path)
            _ = try ScenarioPlayer(scenario: scenario).playToEnd()
        } catch {
            printError(
                "tabsim: cannot save seed \(seed) as \(path): tabsim run would refuse it (\(error.problem)); "
                    + "a shorter --chaos-seconds gives a smaller file")
            throw ExitCode(2)
        }
    }

    func run() throws {
        Invariants.enabled = true  // the engine checks its own invariants in every fuzz run, release too
        if let save { try WritableFile.check(save) }
        var options = Fuzzer.Options()
        options.tabs = tabs
        options.strategy = strategy
        options.chaosMs = chaosSeconds * 1000
        options.fixedMix = fixedMix
        options.wireJSON = wireJSON
        options.mixedConfigs = !noMixedConfigs
        options.externalCommand = external
        options.externalDeadlineMs = externalDeadlineMs
        let (shardIndex, shardCount) = shardParts ?? (1, 1)
        let range = startSeed..<(startSeed + UInt64(seeds))
        let mine = stride(from: range.lowerBound + UInt64(shardIndex - 1), to: range.upperBound, by: shardCount)
        let mixFlag =
            (fixedMix ? " --fixed-mix" : "") + (wireJSON ? " --wire-json" : "")
            + (noMixedConfigs ? " --no-mixed-configs" : "")
            + (external.map { " --external '\($0.replacingOccurrences(of: "'", with: "'\\''"))'" } ?? "")
        let fuzzer = Fuzzer(options: options)
        let started = ContinuousClock.now
        var simulatedMs = 0
        var faults = 0
        var edits = 0
        var coverage: [String: Int] = [:]
        // Seeds only: a failing outcome holds its run as a scenario file, and a campaign where many
        // seeds fail (a traffic storm) would keep gigabytes of them.
        var failures: [UInt64] = []
        var diverged = 0
        var ran = 0
        var maxCalmPerSecond = 0
        for seed in mine {
            ran += 1
            let outcome = fuzzer.run(seed: seed)
            simulatedMs += outcome.simulatedMs
            faults += outcome.faults
            edits += outcome.edits
            coverage.merge(outcome.coverage, uniquingKeysWith: +)
            if outcome.divergence != nil { diverged += 1 }
            if !outcome.passed {
                failures.append(seed)
                print("FAIL seed \(seed):")
                for v in outcome.violations { print("  \(v)") }
                if !fixedMix { print("  mix: \(outcome.swarm)\n  config: \(outcome.setup)") }
                print(
                    "  replay: tabsim fuzz --seeds 1 --start-seed \(seed) --tabs \(tabs) "
                        + "--strategy \(strategy.rawValue) --chaos-seconds \(chaosSeconds)\(mixFlag) --save seed\(seed).yaml"
                )
            }
            if seeds == 1, !fixedMix {
                print("seed \(seed) mix: \(outcome.swarm)\nseed \(seed) config: \(outcome.setup)")
            }
            maxCalmPerSecond = max(maxCalmPerSecond, outcome.calmMaxPerSecond)
            if let save, (!outcome.passed && failures.count == 1) || seeds == 1 {
                let yaml = outcome.scenarioYAML  // written from the scenario on each read: read once
                try Self.checkReplayable(yaml, seed: seed, as: save)
                try WritableFile.write(yaml, to: save)
                print("saved seed \(seed) as \(save) (replay: tabsim run \(save))")
            }
        }
        let elapsed = started.duration(to: .now)
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let hours = Double(simulatedMs) / 3_600_000
        let which = shardCount == 1 ? "" : "shard \(shardIndex)/\(shardCount) of "
        print(
            "fuzz: \(ran) seeds (\(which)\(startSeed)...\(startSeed + UInt64(seeds) - 1)), "
                + "\(tabs) tabs, \(strategy.rawValue): "
                + "\(ran - failures.count) passed, \(failures.count) failed, \(diverged) diverged after the calm"
                + (strategy.converges ? "" : " (not a failure: \(strategy.rawValue) does not promise convergence)"))
        print(
            "fuzz: \(edits) edits, \(faults) faults, \(String(format: "%.2f", hours)) simulated hours in \(String(format: "%.2f", wall)) s "
                + "(\(String(format: "%.0f", Double(ran) / max(wall, 1e-9))) seeds/s, \(String(format: "%.0f", Double(simulatedMs) / 1000 / max(wall, 1e-9))) simulated s per s)"
        )
        print("fuzz: traffic after the calm: at most \(maxCalmPerSecond) frames per tab in a simulated second")
        print("fuzz: coverage: " + coverage.keys.sorted().map { "\($0) \(coverage[$0]!)" }.joined(separator: ", "))
        // Counts only (and the failing seeds), so that shards' lines add up key by key.
        let counts = [
            "seeds": ran, "passed": ran - failures.count, "failed": failures.count, "diverged": diverged,
            "edits": edits, "faults": faults, "simulated_ms": simulatedMs,
        ]
        print(
            "summary: mix=\(fixedMix ? "fixed" : "swarm") "
                + ["seeds", "passed", "failed", "diverged", "edits", "faults", "simulated_ms"]
                .map { "\($0)=\(counts[$0]!)" }.joined(separator: " ")
                + " failing_seeds=" + failures.map { "\($0)" }.joined(separator: ","))
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
