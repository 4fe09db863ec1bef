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
    private var peers: [(id: String, peer: Peer)] = []
    /// Where the last sender was found: runs of messages from one sender are the common case.
    private var lastIndex = 0
    /// Each id's position, kept once the list is long (a page with hundreds of tabs open), where a
    /// scan on every message would cost more than a hash. Rebuilt after removals (rare).
    private var positions: [String: Int]?
    private static let scanLimit = 16
    /// The last tabs that said goodbye.
    private var departed: [(id: String, at: Milliseconds)] = []

    init(timeoutMs: Milliseconds) {
        self.timeoutMs = timeoutMs
    }

    private mutating func index(of id: String) -> Int? {
        if lastIndex < peers.count, peers[lastIndex].id == id { return lastIndex }
        guard peers.count > Self.scanLimit else { return peers.firstIndex { $0.id == id } }
        if positions == nil {
            positions = Dictionary(uniqueKeysWithValues: peers.enumerated().map { ($1.id, $0) })
        }
        return positions![id]
    }

    /// Records a sign of life. Returns true when the tab was not known as live before.
    @discardableResult
    /// `sentAt` is the message's timestamp: a message a tab sent before its goodbye may arrive
    /// after it, and does not bring it back (a tab that starts again with the same id does).
    mutating func heard(_ id: String, priority: Milliseconds?, now: Milliseconds, sentAt: Milliseconds? = nil) -> Bool {
        guard let i = index(of: id) else {
            if let sentAt, departed.contains(where: { $0.id == id && sentAt <= $0.at }) { return false }
            peers.append((id, Peer(lastSeen: now, priority: priority)))
            lastIndex = peers.count - 1
            positions?[id] = lastIndex
            return true
        }
        lastIndex = i
        let wasLive = now - peers[i].peer.lastSeen < timeoutMs
        peers[i].peer.lastSeen = now
        if let priority { peers[i].peer.priority = priority }
        return !wasLive
    }

    /// Forgets a tab that said goodbye at `at` (its timestamp).
    mutating func remove(_ id: String, at: Milliseconds = .max) {
        peers.removeAll { $0.id == id }
        positions = nil
        departed.append((id, at))
        if departed.count > 32 { departed.removeFirst() }
    }

    /// Forgets tabs that went silent, keeping memory bounded however many tabs come and go.
    mutating func prune(now: Milliseconds) {
        peers.removeAll { now - $0.peer.lastSeen >= timeoutMs }
        positions = nil
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
        positions = nil
    }

    /// True when a live tab other than `except` is older than `me` (by priority, then id). Tabs
    /// whose priority is unknown do not count.
    func hasOlderLive(than me: (Milliseconds, String), except: String, now: Milliseconds) -> Bool {
        peers.contains { p in
            p.id != except && now - p.peer.lastSeen < timeoutMs && p.peer.priority.map { ($0, p.id) < me } ?? false
        }
    }

    /// The live tabs and their priorities (those whose priority is known).
    func live(now: Milliseconds) -> [String: Milliseconds] {
        var result: [String: Milliseconds] = [:]
        for p in peers where now - p.peer.lastSeen < timeoutMs { if let priority = p.peer.priority { result[p.id] = priority } }
        return result
    }
}
