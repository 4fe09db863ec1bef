import TabSync

/// The composition root of the interactive simulator: the configuration, the initial state and
/// the tab names that the terminal UI, `tabsim demo`, the fuzzer and the benchmarks share, so a
/// recorded UI session, a demo and a fuzz run describe the same kind of page.
public enum DemoSetup {
    /// Tabs have one-letter names, A to Z, so the UI never opens more than this.
    public static let maxTabs = 26
    public static let channelName = "app-sync"
    /// The synced keys, in the order panes show them.
    public static let syncedKeys = ["theme", "locale", "fontSize", "sidebar", "settings"]
    /// The local-only key: each tab holds its own and never sends it.
    public static let localKey = "sessionToken"
    public static let initialState: StateDocument = [
        "theme": "light", "locale": "en-US", "fontSize": 14, "sidebar": "open", "settings": ["density": "comfortable"],
    ]
    /// The name of a custom resolver the demo uses when the strategy is `custom`.
    public static let customResolverName = "validateTheme"
    /// Virtual time between two tabs opening when a session starts.
    public static let openIntervalMs: Milliseconds = 20

    /// `A`, `B` ... `Z`, then `A1`, `B1` ... for callers that need more (the fuzzer); the UI stops at Z.
    public static func tabName(_ index: Int) -> String {
        let i = max(0, index)
        let letter = String(UnicodeScalar(UInt8(65 + i % 26)))
        return i >= 26 ? letter + String(i / 26) : letter
    }

    /// The engine configuration of every demo tab: leader election on, `sessionToken` local.
    public static func config(
        strategy: ConflictStrategy = .lastWriteWins, heartbeatMs: Milliseconds = 1000,
        channelName: String = channelName, syncKeys: [String] = syncedKeys
    ) -> BroadcastSyncConfig {
        var config = BroadcastSyncConfig(channelName: channelName)
        config.syncKeys = syncKeys
        config.excludeKeys = [localKey]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = heartbeatMs
        config.conflictStrategy = strategy
        if strategy == .custom { config.customResolver = BuiltinResolvers.all[customResolverName] }
        return config
    }

    /// The state a demo tab opens with: the shared initial state and a session token of its own.
    public static func tabState(_ name: String) -> StateDocument {
        var state = initialState
        state[localKey] = .string("token-\(name.lowercased())")
        return state
    }

    /// A session of `tabs` tabs opening `openIntervalMs` apart, as a scenario with no expectations:
    /// the UI plays it, and a recording of the UI starts with the same steps.
    public static func scenario(
        tabs: Int, strategy: ConflictStrategy = .lastWriteWins, seed: UInt64 = 1,
        heartbeatMs: Milliseconds = 1000
    ) -> Scenario {
        let count = min(maxTabs, max(1, tabs))
        let options = SimulationOptions(
            seed: seed, config: config(strategy: strategy, heartbeatMs: heartbeatMs),
            network: NetworkConditions(latencyMs: 1...5), initialState: initialState,
            logCapacity: 5000)
        let steps = (0..<count).map { i in
            let name = tabName(i)
            return Scenario.Step(
                atMs: Milliseconds(i) * openIntervalMs, line: 0,
                kind: .action(.open(tab: name, state: tabState(name))))
        }
        var scenario = Scenario(file: "(demo)", name: "TabSim session", seed: seed, options: options, steps: steps)
        if strategy == .custom { scenario.customResolverName = customResolverName }
        return scenario
    }
}
