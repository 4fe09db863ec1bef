import TabSync

/// What a tab shows at one instant, as a value: what the UI draws and a test compares.
public struct TabSnapshot: Sendable, Equatable {
    /// One word for a tab's condition, most severe first: crashed, closed, frozen, partitioned, alive.
    public enum Status: String, Sendable, CaseIterable {
        case alive, frozen, partitioned, closed, crashed
    }

    public let name: String
    public let tabId: String
    public let liveness: Liveness
    public let isPartitioned: Bool
    public let role: ElectionRole
    public let epoch: Int
    public let leaderId: String?
    public let connectedTabs: Int
    public let state: StateDocument
    /// Each synced key's version: which write the tab holds, and by whom (`KeyVersion.tabId`).
    public let versions: [String: KeyVersion]
    public let pendingKeys: [String]
    public let isJoining: Bool
    /// Background timer throttling (0: foreground) and clock skew, in ms.
    public let throttleMs: Milliseconds
    public let clockSkewMs: Milliseconds
    /// Work waiting for a thaw.
    public let queuedWork: Int
    public let messagesSent: Int
    public let messagesReceived: Int
    /// The engine's timers (heartbeat, leader timeout, election round, ping) and the priority;
    /// no countdown for a tab that is not running or frozen.
    public let countdowns: SyncTimers

    public var status: Status {
        switch liveness {
        case .crashed: .crashed
        case .closed: .closed
        case .frozen: .frozen
        case .alive: isPartitioned ? .partitioned : .alive
        }
    }

    init(_ tab: SimTab, partitioned: Bool) {
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
        countdowns = tab.liveness.exists ? tab.sync.countdowns : SyncTimers(priority: tab.sync.priority)
    }
}
