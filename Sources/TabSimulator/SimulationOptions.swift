import TabSync

/// What a simulation starts from. Everything a run depends on is here or in the calls made on it.
public struct SimulationOptions {
    /// Seeds the tab ids, the network and workloads (each from its own stream, so changing the
    /// network does not change the tab ids).
    public var seed: UInt64
    /// The configuration every tab opens with (a template: each tab gets its own copy).
    public var config: BroadcastSyncConfig
    public var network: NetworkConditions
    /// The state a tab opens with unless `open` says otherwise.
    public var initialState: StateDocument
    /// How many events the log keeps in memory; older ones scroll out.
    public var logCapacity: Int
    /// True: every frame a tab posts travels as JSON bytes and reaches each receiver as decoded
    /// JSON, as between real processes (`WireTransport`); false: as the typed message itself.
    public var wireJSON = false
    /// Tabs (by name) that open with a configuration of their own instead of `config`, on the
    /// same channel: a tab of an older or differently configured page. Convergence and the winner
    /// checks judge only the tabs with the shared `config`, since tabs that differ cannot agree.
    public var tabConfigs: [String: BroadcastSyncConfig] = [:]
    /// Tabs (by name) played by a process instead of the engine: the command that starts it
    /// (`/bin/sh -c`), speaking the external-tab protocol (`ExternalTab`). Judged like any tab.
    public var externalTabs: [String: String] = [:]
    /// How long an external tab may take to answer one request, in wall-clock ms: past it, the tab
    /// has hung and fails (it never hangs the simulator).
    public var externalDeadlineMs = 10_000
    /// Starts an external tab's link; nil: a process (`ExternalTabProcess`) with `externalDeadlineMs`.
    public var externalLauncher: ExternalTabLauncher?

    public init(
        seed: UInt64 = 1, config: BroadcastSyncConfig = BroadcastSyncConfig(channelName: "app-sync"),
        network: NetworkConditions = NetworkConditions(), initialState: StateDocument = [:],
        logCapacity: Int = 10_000
    ) {
        self.seed = seed
        self.config = config
        self.network = network
        self.initialState = initialState
        self.logCapacity = logCapacity
    }
}
