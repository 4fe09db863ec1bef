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
    /// A local write of synced keys, which entitles the tab to spread them. For observers only (not
    /// one of the spec's debug lines): a checker counts it before the update it allows is sent.
    case localChange(keys: [String])
    /// A peer's configuration differs in what decides convergence (strategy, syncKeys, excludeKeys):
    /// the two tabs cannot agree, so they stop repairing each other. Reported once per peer.
    case configurationDiffers(peer: String, theirs: String, mine: String)

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
            return "Applied remote state from \(shortTabId(from)) [" + keys.map { "'\($0)'" }.joined(separator: ", ")
                + "]"
        case .resolved(let d): return d.text
        case .ignored(let m, let reason): return "Ignored: \(m.type.rawValue) from \(shortTabId(m.tabId)): \(reason)"
        case .dropped(let reason, let detail, let from):
            return "Dropped \(reason.rawValue) frame" + (from.map { " from \(shortTabId($0))" } ?? "") + ": \(detail)"
        case .roleChanged(let c):
            return "Role \(c.from.rawValue) -> \(c.to.rawValue) (epoch \(c.epoch)"
                + (c.leaderId.map { ", leader \(shortTabId($0))" } ?? "") + "): \(c.reason.rawValue)"
        case .localChange(let keys): return "Local change [" + keys.map { "'\($0)'" }.joined(separator: ", ") + "]"
        case .configurationDiffers(let peer, let theirs, let mine):
            return "Configuration of \(shortTabId(peer)) differs (\(theirs), here \(mine)): no repair with it"
        }
    }
}

/// The last six characters of a tab id, as the reference's log prints it.
public func shortTabId(_ id: String) -> String {
    String(id.suffix(6))
}
