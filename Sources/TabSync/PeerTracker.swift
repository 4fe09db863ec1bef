/// Which other tabs are connected: every message from a tab counts as a sign of life, a goodbye
/// removes it at once, and a tab not heard from for `timeoutMs` no longer counts
/// (the reference's count only grew: ANCHORS bug 10).
struct PeerTracker {
    struct Peer {
        var lastSeen: Milliseconds
        /// The tab's election priority (creation time), once it has told us.
        var priority: Milliseconds?
    }

    let timeoutMs: Milliseconds
    private(set) var peers: [String: Peer] = [:]
    private var lastHeard: (id: String, index: [String: Peer].Index)?

    init(timeoutMs: Milliseconds) {
        self.timeoutMs = timeoutMs
    }

    func isLive(_ id: String, now: Milliseconds) -> Bool {
        guard let p = peers[id] else { return false }
        return now - p.lastSeen < timeoutMs
    }

    /// Records a sign of life. Returns true when the tab was not known as live before.
    @discardableResult
    mutating func heard(_ id: String, priority: Milliseconds?, now: Milliseconds) -> Bool {
        // Runs of messages from one sender are the common case: update it in place by its index,
        // without hashing the id again. Any insertion or removal forgets the index.
        if let last = lastHeard, last.id == id {
            return Self.note(&peers.values[last.index], priority: priority, now: now, timeoutMs: timeoutMs)
        }
        if let index = peers.index(forKey: id) {
            lastHeard = (id, index)
            return Self.note(&peers.values[index], priority: priority, now: now, timeoutMs: timeoutMs)
        }
        peers[id] = Peer(lastSeen: now, priority: priority)
        lastHeard = nil
        return true
    }

    private static func note(_ p: inout Peer, priority: Milliseconds?, now: Milliseconds, timeoutMs: Milliseconds) -> Bool {
        let wasLive = now - p.lastSeen < timeoutMs
        p.lastSeen = now
        if let priority { p.priority = priority }
        return !wasLive
    }

    mutating func remove(_ id: String) {
        peers[id] = nil
        lastHeard = nil
    }

    /// Forgets tabs that went silent, keeping memory bounded however many tabs come and go.
    mutating func prune(now: Milliseconds) {
        peers = peers.filter { now - $0.value.lastSeen < timeoutMs }
        lastHeard = nil
    }

    func liveCount(now: Milliseconds) -> Int {
        peers.values.reduce(0) { $0 + (now - $1.lastSeen < timeoutMs ? 1 : 0) }
    }

    /// The oldest live tab with a known priority, ties broken by id: the natural successor of a leader.
    func oldestLive(now: Milliseconds) -> String? {
        peers.filter { now - $0.value.lastSeen < timeoutMs && $0.value.priority != nil }
            .min { ($0.value.priority!, $0.key) < ($1.value.priority!, $1.key) }?.key
    }

    mutating func removeAll() {
        peers.removeAll()
        lastHeard = nil
    }
}
