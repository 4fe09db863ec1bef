/// A tab's part in leader election.
public enum ElectionRole: String, Sendable, Hashable {
    /// Not taking part: election off, or the sync not running.
    case none
    /// Following a known leader, or waiting for one to be announced.
    case follower
    /// Asking whether anyone older or already leading objects, before claiming.
    case candidate
    case leader
}

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

/// Why a frame was dropped unread. Each is counted in `BroadcastSync.Statistics`.
public enum DropReason: String, Sendable, Hashable, CaseIterable {
    case malformed = "malformed"
    case forgedSender = "forged sender"
    case oversized = "oversized"
    case invalidValue = "invalid value"
}

extension DropReason {
    var ordinal: Int {
        switch self {
        case .malformed: 0
        case .forgedSender: 1
        case .oversized: 2
        case .invalidValue: 3
        }
    }
}

/// Everything a sync instance does that an observer may want to see: the simulator's event log,
/// the terminal UI's traffic pane and the debug lines are all made from these.
public enum SyncEvent: Sendable {
    case started
    /// `start()` found no transport: the sync stays inactive (graceful degradation).
    case unavailable
    case stopped
    case sent(SyncMessage)
    case received(SyncMessage)
    case applied(from: String, keys: [String])
    /// A received value met a different local one and the versions decided: see `KeyDecision`.
    case resolved(KeyDecision)
    /// A valid message that was read and deliberately not acted on (stale epoch, answer for another tab...).
    case ignored(SyncMessage, reason: String)
    case dropped(reason: DropReason, detail: String, from: String?)
    case roleChanged(RoleChange)

    /// The spec's debug line for this event, e.g. `[BroadcastSync:abc123] Sent: TAB_PING {}`.
    public func debugLine(tabId: String) -> String {
        "[BroadcastSync:\(shortTabId(tabId))] " + debugText
    }

    /// The debug line without its `[BroadcastSync:id]` prefix.
    public var debugText: String {
        switch self {
        case .started: return "Started"
        case .unavailable: return "BroadcastChannel unavailable; sync disabled"
        case .stopped: return "Stopped"
        case .sent(let m): return "Sent: \(m.type.rawValue) \(m.payload?.jsonText ?? "{}")"
        case .received(let m): return "Received: \(m.type.rawValue) from \(shortTabId(m.tabId))"
        case .applied(let from, let keys):
            return "Applied remote state from \(shortTabId(from)) [" + keys.map { "'\($0)'" }.joined(separator: ", ") + "]"
        case .resolved(let d): return d.text
        case .ignored(let m, let reason): return "Ignored: \(m.type.rawValue) from \(shortTabId(m.tabId)): \(reason)"
        case .dropped(let reason, let detail, let from):
            return "Dropped \(reason.rawValue) frame" + (from.map { " from \(shortTabId($0))" } ?? "") + ": \(detail)"
        case .roleChanged(let c):
            return "Role \(c.from.rawValue) -> \(c.to.rawValue) (epoch \(c.epoch)"
                + (c.leaderId.map { ", leader \(shortTabId($0))" } ?? "") + "): \(c.reason.rawValue)"
        }
    }
}

/// What became of a received value that differed from the local one: `kept` the local value (the
/// received version lost), or replaced it although the received version is not plainly later
/// (concurrent writes settled, or arrival order). Plain propagation (a higher counter replacing a
/// lower one) is only `applied`.
public struct KeyDecision: Sendable, Equatable {
    public let key: String
    public let kept: Bool
    public let local: JSONValue?
    public let localVersion: KeyVersion?
    public let remote: JSONValue?
    public let remoteVersion: KeyVersion

    public init(key: String, kept: Bool, local: JSONValue?, localVersion: KeyVersion?, remote: JSONValue?,
                remoteVersion: KeyVersion) {
        self.key = key
        self.kept = kept
        self.local = local
        self.localVersion = localVersion
        self.remote = remote
        self.remoteVersion = remoteVersion
    }

    /// `Kept theme=dark (v3 by a1b2c3) over v2 by d4e5f6`, or
    /// `Replaced theme=dark (v3 by a1b2c3) with light (v3 by d4e5f6)`.
    public var text: String {
        func value(_ v: JSONValue?) -> String { v?.description ?? "(absent)" }
        let mine = "\(value(local)) (\(localVersion?.description ?? "no version"))"
        if kept { return "Kept \(key)=\(mine) over \(remoteVersion)" }
        return "Replaced \(key)=\(mine) with \(value(remote)) (\(remoteVersion))"
    }
}

/// The last six characters of a tab id, as the reference's log prints it.
public func shortTabId(_ id: String) -> String {
    String(id.suffix(6))
}
