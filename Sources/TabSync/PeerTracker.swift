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
    /// A list, not a dictionary: a channel has a handful of tabs, and comparing a few short ids
    /// costs less than hashing one, on every message received. Pruning keeps it short.
    fileprivate var peers: [(id: String, peer: Peer)] = []
    /// Where the last sender was found: runs of messages from one sender are the common case.
    private var lastIndex = 0

    init(timeoutMs: Milliseconds) {
        self.timeoutMs = timeoutMs
    }

    private func index(of id: String) -> Int? {
        if lastIndex < peers.count, peers[lastIndex].id == id { return lastIndex }
        return peers.firstIndex { $0.id == id }
    }

    /// Records a sign of life. Returns true when the tab was not known as live before.
    @discardableResult
    mutating func heard(_ id: String, priority: Milliseconds?, now: Milliseconds) -> Bool {
        guard let i = index(of: id) else {
            peers.append((id, Peer(lastSeen: now, priority: priority)))
            lastIndex = peers.count - 1
            return true
        }
        lastIndex = i
        let wasLive = now - peers[i].peer.lastSeen < timeoutMs
        peers[i].peer.lastSeen = now
        if let priority { peers[i].peer.priority = priority }
        return !wasLive
    }

    mutating func remove(_ id: String) {
        peers.removeAll { $0.id == id }
    }

    /// Forgets tabs that went silent, keeping memory bounded however many tabs come and go.
    mutating func prune(now: Milliseconds) {
        peers.removeAll { now - $0.peer.lastSeen >= timeoutMs }
    }

    func liveCount(now: Milliseconds) -> Int {
        peers.reduce(0) { $0 + (now - $1.peer.lastSeen < timeoutMs ? 1 : 0) }
    }

    /// The oldest live tab with a known priority, ties broken by id: the natural successor of a leader.
    func oldestLive(now: Milliseconds) -> String? {
        peers.filter { now - $0.peer.lastSeen < timeoutMs && $0.peer.priority != nil }
            .min { ($0.peer.priority!, $0.id) < ($1.peer.priority!, $1.id) }?.id
    }

    mutating func removeAll() {
        peers.removeAll()
    }
}

extension PeerTracker {
    /// True when a live tab other than `except` is older than `me` (by priority, then id). Tabs
    /// whose priority is unknown do not count.
    func hasOlderLive(than me: (Milliseconds, String), except: String, now: Milliseconds) -> Bool {
        peers.contains { p in
            p.id != except && now - p.peer.lastSeen < timeoutMs && p.peer.priority.map { ($0, p.id) < me } ?? false
        }
    }
}
