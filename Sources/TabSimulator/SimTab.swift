import TabSync

/// One simulated browser tab: a name, its store and sync instance, and its own view of time.
/// A reference, so the UI can hold on to it; reopening a tab replaces its `SimTab` in
/// `Simulation.tabs` (a reopened page is a new instance with a new tab id).
public final class SimTab {
    /// The name scenarios and the UI use (`A`, `B`...); stable across reopenings.
    public let name: String
    public let sync: BroadcastSync
    /// The tab's view of the virtual clock and scheduler: freeze, throttle, crash and skew live here.
    public let scheduler: TabScheduler
    /// Running, frozen, closed or crashed: read from its scheduler, the one place it is kept.
    public var liveness: Liveness { scheduler.liveness }
    /// The state it opened with; a reopened tab starts from it again, like a reloaded page.
    public let initialState: StateDocument
    /// When it opened, in simulation time.
    public let openedAtMs: Milliseconds
    /// Its number in the invariant checker.
    let checkerIndex: Int
    /// Set when a process plays the tab (`SimulationOptions.externalTabs`): then `sync` is never
    /// started and its store mirrors the process's, and the role is what the process says.
    public let external: ExternalTab?
    public var isExternal: Bool { external != nil }

    init(
        name: String, sync: BroadcastSync, scheduler: TabScheduler, initialState: StateDocument,
        openedAtMs: Milliseconds, checkerIndex: Int, external: ExternalTab? = nil
    ) {
        self.external = external
        self.name = name
        self.sync = sync
        self.tabId = sync.tabId
        self.scheduler = scheduler
        self.initialState = initialState
        self.openedAtMs = openedAtMs
        self.checkerIndex = checkerIndex
    }

    /// The sync's id, kept here: the delivery policy compares it on every delivery.
    public let tabId: String
    /// The sync's `revision` when the winner oracle last noted its versions.
    var notedRevision = -1
    /// The version of each key the winner oracle was last told this tab holds: only a new one is told.
    var notedVersions: [String: KeyVersion] = [:]
    public var store: Store { sync.store }
    public var state: StateDocument { sync.store.state }
    /// Its election role; `none` once closed or crashed.
    public var role: ElectionRole { liveness.exists ? external?.role ?? sync.role : .none }
    /// An external tab's epoch is 0: the spec has none.
    public var epoch: Int { external == nil ? sync.epoch : 0 }
    public var leaderId: String? { liveness.exists ? external.map { $0.leaderId } ?? sync.leaderId : nil }
    /// True while the tab exists (running or frozen) and believes it leads.
    public var isLeader: Bool { liveness.exists && (external.map { $0.role == .leader } ?? sync.isLeader()) }
    public var connectedTabs: Int { liveness.exists ? external?.connectedTabs ?? sync.getConnectedTabs() : 0 }
    public var pendingKeys: [String] { sync.pendingKeys.sorted() }
    public var isJoining: Bool { liveness.exists && sync.isJoining }
}
