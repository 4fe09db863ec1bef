/// Which other tabs are connected: every message from a tab counts as a sign of life, a goodbye
/// removes it at once, and a tab not heard from for `timeoutMs` no longer counts
/// (the reference's count only grew: ANCHORS bug 10).
struct PeerTracker {
    struct Peer {
        var lastSeen: Milliseconds
        /// The tab's election priority (creation time), once it has told us.
        var priority: Milliseconds?

        mutating func with(_ body: (inout Peer) -> Void) { body(&self) }
    }

    let timeoutMs: Milliseconds
    private(set) var peers: [String: Peer] = [:]

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
        var wasLive = false
        peers[id, default: Peer(lastSeen: .min / 2, priority: nil)].with { p in
            wasLive = now - p.lastSeen < timeoutMs
            p.lastSeen = now
            if let priority { p.priority = priority }
        }
        return !wasLive
    }

    mutating func remove(_ id: String) {
        peers[id] = nil
    }

    /// Forgets tabs that went silent, keeping memory bounded however many tabs come and go.
    mutating func prune(now: Milliseconds) {
        peers = peers.filter { now - $0.value.lastSeen < timeoutMs }
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
    }
}
