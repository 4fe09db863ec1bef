import TabSync

/// What a tab shows at one instant, as a value: the one description of a tab for every screen,
/// simulated (`Simulation.snapshots`) or real (`tabsim tab` of itself, `tabsim watch` of what it
/// hears). The panes are built from it; a test compares it. A screen over real tabs knows less:
/// what it does not know stays at its default (no versions, no timers), or is said unknown
/// (`unknownKeys`, `priority`).
public struct TabSnapshot: Sendable, Equatable {
    public var name: String
    public var tabId: String
    public var liveness: Liveness
    /// Running, but cut off from some tabs (a partition is not a liveness: see `Liveness`).
    public var isPartitioned: Bool
    public var role: ElectionRole
    public var epoch: Int
    public var leaderId: String?
    /// The leader by the name the screen shows it by, when the one who made the snapshot knew it
    /// (a real tab by the name its leader announced); else the screen names `leaderId` itself.
    public var leaderName: String?
    public var connectedTabs: Int
    /// Its known values (a key neither here nor in `unknownKeys` is known to be absent).
    public var state: StateDocument
    /// Keys whose value here is unknown: a watcher learns values only from the frames it hears.
    public var unknownKeys: Set<String> = []
    /// Each synced key's version: which write the tab holds, and by whom (`KeyVersion.tabId`).
    public var versions: [String: KeyVersion] = [:]
    public var pendingKeys: [String] = []
    public var isJoining = false
    /// Background timer throttling (0: foreground) and clock skew, in ms.
    public var throttleMs: Milliseconds = 0
    public var clockSkewMs: Milliseconds = 0
    /// Work waiting for a thaw.
    public var queuedWork = 0
    public var messagesSent = 0
    public var messagesReceived = 0
    /// The engine's timers (heartbeat, leader timeout, election round, ping); no countdown for a
    /// tab that is not running or frozen; nil where the screen cannot see them.
    public var countdowns: SyncTimers?
    /// Its election priority (its creation time: lower is older and wins), nil while unknown.
    public var priority: Milliseconds?

    /// One word for the tab's condition, most severe first: crashed, closed, frozen, partitioned, alive.
    public var condition: String { liveness == .alive && isPartitioned ? "partitioned" : liveness.rawValue }

    /// A tab known from outside a simulation: a real tab as it knows itself, or as a watcher heard it.
    public init(
        name: String, tabId: String, role: ElectionRole, epoch: Int, leaderName: String?, liveness: Liveness,
        connected: Int, state: StateDocument
    ) {
        self.name = name
        self.tabId = tabId
        self.liveness = liveness
        isPartitioned = false
        self.role = role
        self.epoch = epoch
        self.leaderName = leaderName
        connectedTabs = connected
        self.state = state
    }

    /// A simulated tab now (`partitioned`: cut off from some tabs).
    public init(_ tab: SimTab, partitioned: Bool) {
        name = tab.name
        tabId = tab.tabId
        liveness = tab.liveness
        isPartitioned = partitioned
        role = tab.role
        epoch = tab.epoch
        leaderId = tab.leaderId
        connectedTabs = tab.connectedTabs
        state = tab.state
        versions = tab.sync.keyVersions
        pendingKeys = tab.pendingKeys
        isJoining = tab.isJoining
        throttleMs = tab.scheduler.throttleMs
        clockSkewMs = tab.scheduler.clockSkewMs
        queuedWork = tab.scheduler.queuedCount
        messagesSent = tab.sync.statistics.sentTotal
        messagesReceived = tab.sync.statistics.receivedTotal
        let timers = tab.liveness.exists ? tab.sync.countdowns : SyncTimers(priority: tab.sync.priority)
        countdowns = timers
        priority = timers.priority.ms
    }
}
