import TabSync

/// Random fault schedules over random edits, judged by the invariant checker: the simulator's
/// VOPR. Each seed is one run; the same seed replays the same run exactly, and a run can be
/// written out as a scenario file that replays it step by step.
///
/// A run has three phases:
/// 1. open: the tabs open within the first second;
/// 2. chaos: edits mixed with faults: freeze, thaw, kill, close, reopen, partitions, isolating one
///    tab, heal, forced leaders, background throttling, clock skew, lossy, duplicating and
///    reordering networks (and, in swarm runs, every other action of the scenario vocabulary:
///    one-way cuts, leader timeouts, garbage frames...), in the proportions and ranges of the
///    run's `Swarm` (drawn from the seed, or `Swarm.fixed`: edits 60%);
/// 3. calm (`Simulation.transitionToLiveness()`): every fault healed, a reliable network, every tab
///    running, then a quiet period of leader timeout + two election rounds + two heartbeats + the
///    join timeout.
/// Safety is checked on every event throughout. After the calm: liveness (exactly one running
/// leader, followed by every running tab) and convergence, with no edit after the faults: every
/// running tab holds the same synced state, brought there by versions and repair alone. Divergence
/// is a failure under the strategies that promise convergence (`ConflictStrategy.converges`); under
/// `arrival-order` and `custom` it is reported (`Outcome.divergence`) and is not a failure.
public struct Fuzzer {
    public struct Options: Sendable {
        public var tabs: Int = 4
        /// Simulated length of the chaos phase.
        public var chaosMs: Milliseconds = 30_000
        public var strategy: ConflictStrategy = .lastWriteWins
        /// True: every run has `Swarm.fixed` and `SwarmConfig.fixed`; false: each run draws its mix
        /// and its configuration (`SwarmConfig`) from its seed.
        public var fixedMix = true
        /// True: every run's frames travel as JSON bytes (`SimulationOptions.wireJSON`); otherwise
        /// only the swarm runs that draw it (1 in 4).
        public var wireJSON = false
        /// False: no swarm run gives one tab a configuration unlike the others' (`SwarmConfig.odd`).
        public var mixedConfigs = true
        /// Changes the configuration the fuzzer made: how a test injects a bug. The scenario written
        /// for a run carries the change, so its replay has the bug too.
        public var adjustConfig: (@Sendable (inout BroadcastSyncConfig) -> Void)?
        /// When set, the last tab of every run is an external tab started by this command
        /// (`SimulationOptions.externalTabs`): your own implementation of the spec under the faults.
        public var externalCommand: String?
        /// How long the external tab may take to answer one request (wall-clock ms).
        public var externalDeadlineMs = 10_000
        public init() {}
    }

    /// What one seed did and found.
    public struct Outcome {
        public let seed: UInt64
        public let violations: [Violation]
        /// Simulated time covered.
        public let simulatedMs: Milliseconds
        /// Faults and edits applied during the chaos phase (attempts that did not apply, such as
        /// thawing a running tab, are not counted).
        public let faults: Int
        public let edits: Int
        /// How often each fault was applied and each interesting thing happened (elections,
        /// step-downs, split brain...): proof that the run exercised what it claims to.
        public let coverage: [String: Int]
        /// The fault mix the run had.
        public var swarm = Swarm.fixed
        /// The configuration the run had (wire mode, timers, a tab unlike the others).
        public var setup = SwarmConfig.fixed
        /// Frames per tab in the busiest simulated second of the calm.
        public var calmMaxPerSecond = 0
        /// The run as a scenario, step by step.
        public let scenario: Scenario
        /// The run as a scenario file, to replay or keep as a regression test: written when asked
        /// for (writing it for every seed was 5% of a campaign that saves none).
        public var scenarioYAML: String {
            let comment = [
                "A run of `tabsim fuzz` (seed \(seed)), written out step by step: `tabsim run` replays it",
                "and checks what the run checked.",
            ]
            do { return try ScenarioWriter.yaml(scenario, comment: comment) } catch {
                return "# cannot be written: \(error)\n"
            }
        }
        /// How the tabs ended (`Simulation.describeTabs()`): a replay of `scenarioYAML` ends the same.
        public let finalTabs: String
        /// Where the running tabs differ after the calm, when they do (for any strategy).
        public let divergence: Convergence?
        /// The checks after the calm, as the scenario's expectations judged them (a replay of
        /// `scenarioYAML` judges the same).
        public var checks: [ExpectationResult] = []
        public var passed: Bool { violations.isEmpty }
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    static let keys = ["theme", "locale", "fontSize"]
    /// What the nemesis injects: frames every engine must drop unread (not JSON, an unknown type,
    /// a message without its fields, a tab id that is not a string).
    static let garbageFrames = [
        "not a frame", #"{"type":"NO_SUCH_TYPE","tabId":"x"}"#, "[1,2,3]", #"{"type":"STATE_UPDATE","tabId":42}"#,
    ]
    /// Under merge, a fourth key holds an object whose fields the edits change one at a time, so
    /// that concurrent edits of different fields (and removals of fields) are exercised.
    static let objectKey = "layout"
    static let objectFields: [String: [JSONValue]] = [
        "sidebar": ["left", "right"], "panel": ["open", "closed"], "zoom": [90, 100, 125],
    ]

    /// The synced keys of a run of `strategy`.
    static func keys(for strategy: ConflictStrategy) -> [String] {
        strategy == .merge ? keys + [objectKey] : keys
    }
    static let values: [String: [JSONValue]] = [
        "theme": ["light", "dark", "system"], "locale": ["en-US", "fr-FR", "de-DE", "ja-JP"],
        "fontSize": [12, 14, 16, 18],
    ]

    /// The configuration of every fuzz run (heartbeat 1 s, so failovers fit in the chaos phase),
    /// with a swarm run's drawn timers.
    public func config(_ setup: SwarmConfig? = nil) -> BroadcastSyncConfig {
        var config = BroadcastSyncConfig(channelName: "fuzz")
        config.syncKeys = Self.keys(for: options.strategy)
        config.excludeKeys = ["sessionToken"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        config.conflictStrategy = options.strategy
        if options.strategy == .custom { config.customResolver = BuiltinResolvers.validateTheme }
        setup?.apply(to: &config)
        options.adjustConfig?(&config)
        return config
    }

    /// The calm phase's quiet period: leader timeout (as far as a measured round trip may stretch
    /// it: the tab timeout) + two election rounds + two heartbeats + the join timeout, and at least
    /// three ping intervals (repair runs at pings).
    public var quietMs: Milliseconds { quietMs(config()) }

    func quietMs(_ config: BroadcastSyncConfig) -> Milliseconds {
        max(
            max(config.effectiveLeaderTimeoutMs, config.effectiveTabTimeoutMs) + 2 * config.electionTimeoutMs
                + 2 * config.leaderHeartbeatMs
                + config.joinTimeoutMs, 3 * config.tabPingIntervalMs)
    }

    /// The most frames a tab may post in one simulated second of the calm: its heartbeats and
    /// pings, a repair exchange (request, answer, ask-back) for each ping it hears, and a join's
    /// and an election's worth of messages, twice over for seconds that straddle two timers.
    public func trafficBound(_ config: BroadcastSyncConfig) -> Int {
        let perSecond = { (interval: Milliseconds) in (1000 + interval - 1) / interval }
        let others = max(1, options.tabs - 1)
        return 2 * (perSecond(config.leaderHeartbeatMs) + perSecond(config.tabPingIntervalMs) * (1 + 3 * others)) + 20
    }

    /// The longest chaos phase a saved run may have, so that the file is one `tabsim run` reads.
    /// Its steps must end within the hour a scenario allows (`ScenarioLimits.maxTimeMs`, less the
    /// opening, at most 300 ms per tab, the last gap, under 2 s in any mix, and the calm), and the
    /// file must keep under the limits of `ScenarioLimits` (1 MiB, 100 000 values, and the run's
    /// events and delivered values): the busiest mix of 150 seeds measured (26 tabs, merge) writes
    /// about 650 bytes and 100 values per simulated second, and passes the value limit near
    /// 1000 s; seed 130 with 600 s runs 123 000 events and delivers 242 000 values, past the run's
    /// limits (100 000 and 250 000), and with 300 s about half of each. 300 s leaves room for busier seeds, and a run that
    /// passes a limit anyway is refused when saved (`tabsim fuzz --save` plays it first).
    public var longestSavableChaosMs: Milliseconds {
        min(300_000, ScenarioLimits.maxTimeMs - Milliseconds(options.tabs) * 300 - 2_000 - quietMs)
    }

    public func run(seed: UInt64) -> Outcome {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9 &+ 17)
        let setup =
            options.fixedMix
            ? SwarmConfig.fixed
            : SwarmConfig.draw(
                seed: seed, strategy: options.strategy, keys: Self.keys(for: options.strategy), tabs: options.tabs,
                mixed: options.mixedConfigs)
        let config = config(options.fixedMix ? nil : setup)
        let mix = options.fixedMix ? Swarm.fixed : Swarm.draw(seed: seed)
        // A write stamped by a clock up to `clockSkewMs` ahead is refused (`clockAhead`) by a clock
        // as far behind until real time catches up with it: a swarm run's calm waits for that too.
        let quietMs =
            options.fixedMix
            ? quietMs(config)
            : max(
                quietMs(config),
                2 * mix.clockSkewMs - config.maxClockOffsetMs + 3 * config.tabPingIntervalMs)
        let names = (0..<max(1, options.tabs)).map(DemoSetup.tabName)
        var initial: StateDocument = ["theme": "light", "locale": "en-US", "fontSize": 14, "sessionToken": "secret"]
        if options.strategy == .merge { initial[Self.objectKey] = ["sidebar": "left", "zoom": 100] }
        var simOptions = SimulationOptions(
            seed: seed, config: config, network: NetworkConditions(latencyMs: 1...5),
            initialState: initial, logCapacity: 256)
        simOptions.wireJSON = options.wireJSON || setup.wireJSON
        if let odd = setup.odd, let oddConfig = setup.oddConfig(from: config) {
            simOptions.tabConfigs[names[odd.tab]] = oddConfig
        }
        if let command = options.externalCommand {
            simOptions.externalTabs[names[names.count - 1]] = command
            simOptions.externalDeadlineMs = options.externalDeadlineMs
        }
        var scenario = Scenario(
            file: "fuzz seed \(seed)", name: "Fuzz seed \(seed)", seed: seed, options: simOptions,
            steps: [], customResolverName: options.strategy == .custom ? "validateTheme" : nil)
        var violations: [Violation] = []
        var coverage: [String: Int] = [:]
        var faults = 0
        var edits = 0
        let player: ScenarioPlayer
        do { player = try ScenarioPlayer(scenario: scenario) } catch {
            return Outcome(
                seed: seed, violations: [Violation(timeMs: 0, property: "setup", detail: error.problem)],
                simulatedMs: 0, faults: 0, edits: 0, coverage: [:], scenario: scenario, finalTabs: "",
                divergence: nil)
        }
        let sim = player.simulation
        sim.logsTraffic = false
        sim.tracksWinners = options.strategy.converges

        /// Has the player carry out an action and keeps it as a step; an action that does not apply
        /// now (thawing a tab that is not frozen...) is skipped and left out of the steps.
        func perform(_ action: Scenario.Action) {
            do { try player.perform(action) } catch { return }
            scenario.steps.append(Scenario.Step(atMs: sim.nowMs, kind: .action(action)))
            let kind = action.name
            coverage[kind, default: 0] += 1
            if kind == "set" { edits += 1 } else if kind != "open" { faults += 1 }
        }

        // Phase 1: tabs open within the first second.
        var t: Milliseconds = 0
        for name in names {
            sim.run(untilMs: t)
            perform(.open(tab: name, state: nil))
            t += Milliseconds.random(in: 0...300, using: &random)
        }

        // Phase 2: chaos.
        let chaosEnd = t + options.chaosMs
        while t < chaosEnd {
            t += Milliseconds.random(in: mix.gapMs, using: &random)
            sim.run(untilMs: t)
            let name = names.randomElement(using: &random)!
            let roll = Int.random(in: 0..<mix.totalWeight, using: &random)
            if roll < mix.editWeight, options.strategy == .merge, roll % 3 == 0 {
                // One field of the object changed (or removed) in this tab's current value.
                let field = Self.objectFields.keys.sorted().randomElement(using: &random)!
                let choice = Self.objectFields[field]!.randomElement(using: &random)!
                let remove = Int.random(in: 0..<4, using: &random) == 0
                guard let tab = sim.tab(named: name), tab.liveness == .alive else { continue }
                var object = tab.state[Self.objectKey]?.objectValue ?? [:]
                object[field] = remove ? nil : choice
                perform(.set(tab: name, state: [Self.objectKey: .object(object)]))
                continue
            }
            if roll < mix.editWeight {
                let key = Self.keys.randomElement(using: &random)!
                let value = Self.values[key]!.randomElement(using: &random)!
                perform(.set(tab: name, state: [key: value]))
                continue
            }
            switch mix.fault(forRoll: roll) {
            case .freeze: perform(.freeze(name))
            case .thaw: perform(.thaw(name))
            case .kill: perform(.kill(name))
            case .close: perform(.close(name))
            case .reopen: perform(.reopen(name))
            case .partition:
                let cut = names.filter { _ in Bool.random(using: &random) }
                let rest = names.filter { !cut.contains($0) }
                if !cut.isEmpty && !rest.isEmpty { perform(.partition([cut, rest])) }
            case .isolate: perform(.isolate(name))
            case .heal: perform(.heal)
            case .forceLeader: perform(.forceLeader(name))
            case .background:
                let ms = mix.throttlesMs.randomElement(using: &random)!
                perform(.background(tab: name, throttleMs: ms))
            case .clockSkew:
                let ms = Milliseconds.random(in: -mix.clockSkewMs...mix.clockSkewMs, using: &random)
                perform(.clockSkew(tab: name, ms: ms))
            case .network:
                let lo = Milliseconds.random(in: mix.latencyLowMs, using: &random)
                let hi = lo + Milliseconds.random(in: mix.latencySpreadMs, using: &random)
                let n = NetworkConditions(
                    latencyMs: lo...hi,
                    drop: mix.drops.randomElement(using: &random)!,
                    duplicate: mix.duplicates.randomElement(using: &random)!,
                    reorder: mix.reorders.randomElement(using: &random)!)
                perform(.network(n))
            case .rejoin: perform(.rejoin(name))
            case .cut, .restore:
                guard let to = names.filter({ $0 != name }).randomElement(using: &random) else { continue }
                let link = NetworkLink(from: name, to: to)
                perform(mix.fault(forRoll: roll) == .cut ? .cut(link) : .restore(link))
            case .timeOut: perform(.timeOut(name))
            case .requestState: perform(.requestState(name))
            case .broadcastState: perform(.broadcastState(tab: name, keys: nil))
            case .inject:
                // Frames no correct engine takes: a hostile page's garbage is dropped, never applied.
                let raw = Self.garbageFrames.randomElement(using: &random)!
                perform(.inject(to: Bool.random(using: &random) ? name : nil, raw: raw))
            case .workload:
                // Users typing for a while, stopping by the calm: no edit after the faults.
                let rate = Double(Int.random(in: 1...20, using: &random))
                perform(.workload(Workload(editsPerSecondPerTab: rate, keys: Self.keys, untilMs: chaosEnd)))
            case .stopWorkload: perform(.stopWorkload)
            case .conflictStrategy:
                // The run's own strategy set again: the oracle judges the run by that one.
                perform(
                    .conflictStrategy(options.strategy, resolver: options.strategy == .custom ? "validateTheme" : nil))
            case .say: perform(.say("the nemesis strikes at \(formatTime(t).trimmingLeadingSpaces)"))
            case .prompt:
                // Headless, a prompt does its action at once: one the nemesis draws anyway.
                perform(.prompt(LessonPrompt(action: .forceLeader, tab: name, text: "go on")))
            }
        }

        // Phase 3: calm. Every fault healed, a reliable network, every tab running. (Healing is not
        // counted as faults.)
        let chaosFaults = faults
        let chaosEdits = edits
        for action in sim.transitionToLiveness() { coverage[action.name, default: 0] += 1 }
        scenario.steps.append(Scenario.Step(atMs: sim.nowMs, kind: .action(.healAll)))
        t = sim.nowMs + quietMs
        sim.run(untilMs: t)

        // Liveness (exactly one running leader, followed by every running tab) and convergence
        // without any edit after the faults (versions and repair alone bring every running tab to the
        // same state; a failure only where the strategy promises it), judged as the scenario's
        // expectations, so that the saved run checks exactly this.
        var checks: [ExpectationResult] = []
        var expectations: [(Scenario.Expectation, property: String)] = [
            (.runningLeaders(1), "liveness: exactly one leader after faults stop"),
            (.allFollow(true), "liveness: every tab follows the leader"),
        ]
        if options.strategy.converges {
            expectations.append((.converged(true), "convergence after faults stop"))
            expectations.append((.winners(options.strategy), "the value that must win, won"))
        }
        expectations.append((.maxSentPerSecond(trafficBound(config)), "bounded traffic after faults stop"))
        expectations.append((.neverOnWire("sessionToken"), "excluded key never on the wire"))
        for (expectation, property) in expectations {
            let step = Scenario.Step(atMs: t, kind: .expect(expectation))
            scenario.steps.append(step)
            let result = player.check(expectation, step: step)
            checks.append(result)
            if !result.passed { violations.append(Violation(timeMs: t, property: property, detail: result.found)) }
        }
        let c = sim.convergence()
        // Safety violations first, in the order they happened.
        violations = sim.violations + violations
        if sim.options.wireJSON { coverage["runs on the JSON wire"] = 1 }
        if setup.odd != nil { coverage["runs with one tab configured apart"] = 1 }
        coverage["leaderships taken"] = sim.checker.leadershipsTaken
        coverage["step-downs on a newer epoch"] = sim.checker.stepDowns
        coverage["split-brain moments"] = sim.checker.splitBrainCount
        coverage["epochs shared by tabs that could not hear each other"] = sim.checker.sharedEpochs
        var outcome = Outcome(
            seed: seed, violations: violations, simulatedMs: sim.nowMs, faults: chaosFaults,
            edits: chaosEdits, coverage: coverage, scenario: scenario, finalTabs: sim.describeTabs(),
            divergence: c.converged ? nil : c)
        outcome.checks = checks
        outcome.swarm = mix
        outcome.setup = setup
        outcome.calmMaxPerSecond = sim.calmTraffic.maxPerSecond
        return outcome
    }
}
