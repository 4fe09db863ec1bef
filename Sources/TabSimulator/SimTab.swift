import TabSync

/// Whether a simulated tab runs.
public enum Liveness: String, Sendable, CaseIterable {
    /// Running.
    case alive
    /// Runs nothing until thawed; what falls due meanwhile runs on thaw.
    case frozen
    /// Stopped gracefully (it said goodbye).
    case closed
    /// Gone without a word.
    case crashed

    /// Alive or frozen: the tab still exists and still believes what it believed.
    public var exists: Bool { self == .alive || self == .frozen }
}

/// One simulated browser tab: a name, its store and sync instance, and its own view of time.
public final class SimTab {
    public let name: String
    public internal(set) var sync: BroadcastSync
    public internal(set) var scheduler: TabScheduler
    public internal(set) var liveness: Liveness = .alive
    /// The state it opened with; a reopened tab starts from it again, like a reloaded page.
    public let initialState: StateDocument
    /// Local changes with synced keys, plus explicit broadcasts: the most STATE_UPDATEs it may send.
    var allowedUpdates = 0
    var updatesSent = 0

    init(name: String, sync: BroadcastSync, scheduler: TabScheduler, initialState: StateDocument) {
        self.name = name
        self.sync = sync
        self.scheduler = scheduler
        self.initialState = initialState
    }

    public var tabId: String { sync.tabId }
    public var store: Store { sync.store }
    public var state: StateDocument { sync.store.state }
    public var role: ElectionRole { liveness.exists ? sync.role : .none }
    public var epoch: Int { sync.epoch }
    public var leaderId: String? { sync.leaderId }
    public var isLeader: Bool { liveness.exists && sync.isLeader() }
    public var connectedTabs: Int { liveness.exists ? sync.getConnectedTabs() : 0 }
    public var pendingKeys: [String] { sync.pendingKeys }
}
