/// Why a tab's role changed. Every change is logged with one of these.
public enum RoleChangeReason: String, Sendable, Hashable {
    case started = "started"
    case elected = "elected: no older candidate or leader answered"
    case leaderAnnounced = "leader announced"
    case deferredToOlder = "deferred to an older candidate"
    case announceTimeout = "no leader announced after deferring"
    case heartbeatTimeout = "heartbeat timeout"
    case goodbye = "leader said goodbye"
    case forced = "forced"
    case newerEpochSeen = "newer epoch seen"
    case stopped = "stopped"
}

/// A role change with its reason, as it is logged.
public struct RoleChange: Sendable, Hashable {
    public let from: ElectionRole
    public let to: ElectionRole
    public let epoch: Int
    public let leaderId: String?
    public let reason: RoleChangeReason

    public init(from: ElectionRole, to: ElectionRole, epoch: Int, leaderId: String?, reason: RoleChangeReason) {
        self.from = from
        self.to = to
        self.epoch = epoch
        self.leaderId = leaderId
        self.reason = reason
    }
}
