import TabSync

/// Random fault schedules over random edits, checked by the invariant checker: the simulator's
/// VOPR. Each seed is one run; the same seed replays the same run exactly.
///
/// A run has three phases: tabs open; chaos (edits and faults: freeze, thaw, kill, close, reopen,
/// partitions, forced leaders, background throttling, clock skew, lossy networks); then calm (every
/// fault healed, a reliable network, a quiet period of leader timeout + election round + two
/// heartbeats). Safety is checked on every event; after the calm, liveness (exactly one leader among
/// running tabs, and all of them following it) and convergence after one final edit.
public struct Fuzzer {
    public struct Options: Sendable {
        public var tabs: Int = 4
        /// Simulated length of the chaos phase.
        public var chaosMs: Milliseconds = 30_000
        public var strategy: ConflictStrategy = .lastWriteWins
        public init() {}
    }

    /// What one seed did and found.
    public struct Outcome: Sendable {
        public let seed: UInt64
        public let violations: [Violation]
        /// Simulated time covered.
        public let simulatedMs: Milliseconds
        public let faults: Int
        public let edits: Int
        /// The run as a scenario file, to replay or keep as a regression test.
        public let scenarioYAML: String
        public var passed: Bool { violations.isEmpty }
    }

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    static let keys = ["theme", "locale", "fontSize"]
    static let values: [String: [JSONValue]] = [
        "theme": ["light", "dark", "system"], "locale": ["en-US", "fr-FR", "de-DE", "ja-JP"], "fontSize": [12, 14, 16, 18],
    ]

    /// A, B, ... Z, A1, B1, ...
    static func tabName(_ i: Int) -> String {
        let letter = String(UnicodeScalar(UInt8(65 + i % 26)))
        return i >= 26 ? letter + String(i / 26) : letter
    }

    public func run(seed: UInt64) -> Outcome {
        var random = SeededRandom(seed: seed &* 0x9E37_79B9 &+ 17)
        var config = BroadcastSyncConfig(channelName: "fuzz")
        config.syncKeys = Self.keys
        config.excludeKeys = ["sessionToken"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        config.conflictStrategy = options.strategy
        if options.strategy == .custom { config.customResolver = BuiltinResolvers.validateTheme }
        let initial: StateDocument = ["theme": "light", "locale": "en-US", "fontSize": 14, "sessionToken": "secret"]
        var simOptions = SimulationOptions(seed: seed, config: config, network: NetworkConditions(latencyMs: 1...5),
                                           initialState: initial, logCapacity: 256)
        simOptions.logCapacity = 256
        var script = Script(seed: seed, strategy: options.strategy, initial: initial)
        var violations: [Violation] = []
        var faults = 0, edits = 0
        let sim: Simulation
        do { sim = try Simulation(options: simOptions) } catch {
            return Outcome(seed: seed, violations: [Violation(timeMs: 0, property: "setup", detail: error.message)],
                           simulatedMs: 0, faults: 0, edits: 0, scenarioYAML: "")
        }
        sim.logsTraffic = false
        let names = (0..<max(1, options.tabs)).map(Self.tabName)

        func perform(_ step: String, _ body: () throws(SimulationError) -> Void) {
            do {
                try body()
                script.add(at: sim.nowMs, step)
            } catch {
                // A fault that does not apply now (e.g. thawing a tab that is not frozen) is skipped.
            }
        }

        // Phase 1: tabs open within the first second.
        var t: Milliseconds = 0
        for name in names {
            sim.run(untilMs: t)
            perform("open: \(name)") { () throws(SimulationError) in try sim.open(name) }
            t += Milliseconds.random(in: 0...300, using: &random)
        }

        // Phase 2: chaos.
        let chaosEnd = t + options.chaosMs
        while t < chaosEnd {
            t += Milliseconds.random(in: 20...600, using: &random)
            sim.run(untilMs: t)
            let name = names.randomElement(using: &random)!
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 60 {
                let key = Self.keys.randomElement(using: &random)!
                let value = Self.values[key]!.randomElement(using: &random)!
                perform("set: {tab: \(name), \(key): \(value)}") { () throws(SimulationError) in try sim.set(name, [key: value]) }
                edits += 1
                continue
            }
            faults += 1
            switch roll {
            case 60..<66: perform("freeze: \(name)") { () throws(SimulationError) in try sim.freeze(name) }
            case 66..<73: perform("thaw: \(name)") { () throws(SimulationError) in try sim.thaw(name) }
            case 73..<77: perform("kill: \(name)") { () throws(SimulationError) in try sim.kill(name) }
            case 77..<80: perform("close: \(name)") { () throws(SimulationError) in try sim.close(name) }
            case 80..<86: perform("reopen: \(name)") { () throws(SimulationError) in try sim.reopen(name) }
            case 86..<89:
                let cut = names.filter { _ in Bool.random(using: &random) }
                let rest = names.filter { !cut.contains($0) }
                if !cut.isEmpty && !rest.isEmpty {
                    perform("partition: [[\(cut.joined(separator: ", "))], [\(rest.joined(separator: ", "))]]") { () throws(SimulationError) in
                        try sim.partition([cut, rest])
                    }
                }
            case 89..<92: perform("heal: true") { sim.heal() }
            case 92..<94: perform("forceLeader: \(name)") { () throws(SimulationError) in try sim.forceLeader(name) }
            case 94..<96:
                let ms = [0, 1000].randomElement(using: &random)!
                perform("background: {tab: \(name), throttleMs: \(ms)}") { () throws(SimulationError) in try sim.setBackground(name, throttleMs: ms) }
            case 96..<98:
                let ms = Milliseconds.random(in: -500...500, using: &random)
                perform("clockSkew: {tab: \(name), ms: \(ms)}") { () throws(SimulationError) in try sim.setClockSkew(name, ms: ms) }
            default:
                let lo = Milliseconds.random(in: 0...20, using: &random)
                let n = NetworkConditions(latencyMs: lo...(lo + Milliseconds.random(in: 0...40, using: &random)),
                                          drop: [0, 0.05, 0.2].randomElement(using: &random)!,
                                          duplicate: [0, 0.05].randomElement(using: &random)!)
                perform("network: {latencyMs: [\(n.latencyMs.lowerBound), \(n.latencyMs.upperBound)], drop: \(n.drop), duplicate: \(n.duplicate)}") { () throws(SimulationError) in
                    try sim.setNetwork(n)
                }
            }
        }

        // Phase 3: calm. Every fault healed, a reliable network, every tab running.
        perform("heal: true") { sim.heal() }
        perform("network: {latencyMs: [1, 5], drop: 0.0, duplicate: 0.0}") { () throws(SimulationError) in try sim.setNetwork(NetworkConditions(latencyMs: 1...5)) }
        for tab in sim.tabs {
            let name = tab.name
            if tab.liveness == .frozen { perform("thaw: \(name)") { () throws(SimulationError) in try sim.thaw(name) } }
            if !tab.liveness.exists { perform("reopen: \(name)") { () throws(SimulationError) in try sim.reopen(name) } }
            if tab.scheduler.throttleMs > 0 {
                perform("background: {tab: \(name), throttleMs: 0}") { () throws(SimulationError) in try sim.setBackground(name, throttleMs: 0) }
            }
        }
        let quiet = config.effectiveLeaderTimeoutMs + 2 * config.electionTimeoutMs + 2 * config.leaderHeartbeatMs + config.joinTimeoutMs
        t = sim.nowMs + quiet
        sim.run(untilMs: t)
        violations += sim.violations

        // Liveness: exactly one running leader, followed by every running tab.
        let running = sim.tabs.filter { $0.liveness == .alive }
        let leaders = running.filter(\.isLeader)
        if leaders.count != 1 {
            violations.append(Violation(timeMs: t, property: "liveness: exactly one leader after faults stop",
                                        detail: "\(leaders.count) leaders: \(leaders.map(\.name))"))
        } else if let stray = running.first(where: { $0.leaderId != leaders[0].tabId }) {
            violations.append(Violation(timeMs: t, property: "liveness: every tab follows the leader",
                                        detail: "\(stray.name) follows \(stray.leaderId ?? "nobody"), leader is \(leaders[0].name)"))
        }
        script.expect(at: t, "leaders: 1")

        // Convergence: one final edit of every key by one tab reaches all. Only where the strategy
        // promises it: under first-write-wins a later edit is meant to lose, and a custom resolver
        // (here the spec's validating one, which keeps local values) decides for itself.
        if options.strategy == .lastWriteWins || options.strategy == .merge, let writer = running.first {
            // Values no edit used, so each one changes every tab.
            let final: StateDocument = ["theme": "high-contrast", "locale": "pt-BR", "fontSize": 22]
            perform("set: {tab: \(writer.name), theme: high-contrast, locale: pt-BR, fontSize: 22}") { () throws(SimulationError) in try sim.set(writer.name, final) }
            t = sim.nowMs + config.throttleMs + 1000
            sim.run(untilMs: t)
            let c = sim.convergence()
            if !c.converged {
                violations.append(Violation(timeMs: t, property: "convergence after faults stop",
                                            detail: "tabs differ on \(c.keys.joined(separator: ", "))"))
            }
            script.expect(at: t, "converged: true")
        }
        script.expect(at: t, "neverOnWire: sessionToken")
        return Outcome(seed: seed, violations: violations, simulatedMs: sim.nowMs, faults: faults, edits: edits,
                       scenarioYAML: script.yaml())
    }

    /// The steps a run performed, written as a scenario file.
    struct Script {
        let seed: UInt64
        let strategy: ConflictStrategy
        let initial: StateDocument
        var lines: [String] = []

        mutating func add(at ms: Milliseconds, _ step: String) { lines.append("  - {at: \(ms)ms, \(step)}") }
        mutating func expect(at ms: Milliseconds, _ e: String) { lines.append("  - {at: \(ms)ms, expect: {\(e)}}") }

        func yaml() -> String {
            let state = initial.keys.sorted().map { "\($0): \(initial[$0]!)" }.joined(separator: ", ")
            let resolver = strategy == .custom ? ", customResolver: validateTheme" : ""
            return """
                # A run of `tabsim fuzz`, replayed step by step (seed \(seed)).
                name: Fuzz seed \(seed)
                seed: \(seed)
                config: {channelName: fuzz, syncKeys: [theme, locale, fontSize], excludeKeys: [sessionToken], enableLeaderElection: true, leaderHeartbeatMs: 1000, conflictStrategy: \(strategy.rawValue)\(resolver)}
                network: {latencyMs: [1, 5], drop: 0.0, duplicate: 0.0}
                initialState: {\(state)}
                steps:

                """ + lines.joined(separator: "\n") + "\n"
        }
    }
}
