import TabSimulator
import TabSync

/// How the UI starts, as given on the command line: nil where the user said nothing.
public struct UIOptions: Sendable {
    public var tabs: Int?
    public var strategy: ConflictStrategy?
    public var seed: UInt64?
    public var heartbeatMs: Milliseconds?
    /// A scenario file to play instead of the demo setup.
    public var scenarioPath: String?

    public init(
        tabs: Int? = nil, strategy: ConflictStrategy? = nil, seed: UInt64? = nil, heartbeatMs: Milliseconds? = nil,
        scenarioPath: String? = nil
    ) {
        self.tabs = tabs
        self.strategy = strategy
        self.seed = seed
        self.heartbeatMs = heartbeatMs
        self.scenarioPath = scenarioPath
    }

    /// What the session plays: the demo setup from the options, or the scenario file with the
    /// options it leaves open applied. An option that contradicts the file is refused, naming both.
    public func startingScenario() throws -> Scenario {
        guard let path = scenarioPath else {
            return DemoSetup.scenario(
                tabs: tabs ?? 3, strategy: strategy ?? .lastWriteWins, seed: seed ?? 1,
                heartbeatMs: heartbeatMs ?? 1000)
        }
        var s = try ScenarioParser.load(path: path)
        func refuse(_ option: String, _ value: String, _ file: String) -> UIError {
            UIError("\(option) \(value) contradicts \(path), which has \(file): leave the option out or edit the file")
        }
        if let seed {
            if s.fieldsGiven.contains("seed"), seed != s.seed { throw refuse("--seed", "\(seed)", "seed \(s.seed)") }
            s.seed = seed
            s.options.seed = seed
        }
        if let strategy {
            let fileStrategy = s.options.config.conflictStrategy
            if s.fieldsGiven.contains("config.conflictStrategy"), strategy != fileStrategy {
                throw refuse("--strategy", strategy.rawValue, "conflictStrategy \(fileStrategy.rawValue)")
            }
            s.options.config.conflictStrategy = strategy
            if strategy == .custom, s.options.config.customResolver == nil {
                s.options.config.customResolver = BuiltinResolvers.all[DemoSetup.customResolverName]
                s.customResolverName = DemoSetup.customResolverName
            }
        }
        if let heartbeatMs {
            let fileHeartbeat = s.options.config.leaderHeartbeatMs
            if s.fieldsGiven.contains("config.leaderHeartbeatMs"), heartbeatMs != fileHeartbeat {
                throw refuse("--heartbeat", "\(heartbeatMs)", "leaderHeartbeatMs \(fileHeartbeat)")
            }
            s.options.config.leaderHeartbeatMs = heartbeatMs
        }
        if let tabs {
            let opened = s.steps.filter { if case .action(.open) = $0.kind { true } else { false } }.count
            if tabs != opened {
                throw refuse("--tabs", "\(tabs)", Presenter.count(opened, "tab") + " opened by its steps")
            }
        }
        do { try s.options.config.validate() } catch { throw UIError("\(path): \(error.description)") }
        return s
    }

    /// The command that starts the same setup again (without the keys).
    public func startCommand(_ s: Scenario) -> String {
        if let scenarioPath { return "tabsim --scenario \(scenarioPath)" + (seed.map { " --seed \($0)" } ?? "") }
        return "tabsim --seed \(s.seed) --tabs \(tabs ?? 3) --strategy \(s.options.config.conflictStrategy.rawValue)"
            + (heartbeatMs.map { " --heartbeat \($0)" } ?? "")
    }
}
