/// Which other tabs are connected: every message from a tab counts as a sign of life, a goodbye
/// removes it at once, and a tab not heard from for `timeoutMs` no longer counts
/// (the reference's count only grew: reference bug 10 in Documentation/ReferenceBugs.md).
///
/// Bounded whatever arrives: at most `maxPeers` tabs (a new one replaces the least recently heard)
/// and `maxDeparted` goodbyes, each kept for `timeoutMs` of this tab's monotonic time. A flood of
/// distinct ids therefore costs at most one scan of the table per new id and no memory beyond the
/// bounds. All times here are monotonic: nothing a peer writes on the wire decides how long it is
/// remembered.
struct PeerTracker {
    struct Peer {
        var lastSeen: MonotonicInstant
        /// The tab's election priority (creation time), once it has told us.
        var priority: WallClockInstant?
        /// True once the tab's configuration fingerprint was heard to differ from this tab's.
        var differs = false
        /// True when its last message carried no protocol version: a tab that speaks only the spec,
        /// which ignores TAB_CLOSE and so cannot be named a leader's successor.
        var specTab = false
    }

    /// A tab that said goodbye: when (monotonic, here) and the epoch it left in.
    struct Departure {
        let id: String
        let at: MonotonicInstant
        let epoch: Int
    }

    /// The most tabs tracked at once (a browser holds far fewer tabs of one application).
    static let maxPeers = 1024
    /// The most recent goodbyes remembered.
    static let maxDeparted = 64

    /// Stretched with the ping period as the channel grows (`BroadcastSync.pingStretch`).
    var timeoutMs: Milliseconds
    /// A list, not a dictionary: a channel has a handful of tabs, and comparing a few short ids
    /// costs less than hashing one, on every message received. Pruning keeps it short.
    private var peers: [(id: String, peer: Peer)] = []
    /// Where the last sender was found: runs of messages from one sender are the common case.
    private var lastIndex = 0
    /// Each id's position, kept once the list is long (a page with hundreds of tabs open), where a
    /// scan on every message would cost more than a hash. Rebuilt after removals (rare).
    private var positions: [String: Int]?
    private static let scanLimit = 16
    /// The last tabs that said goodbye, oldest first.
    private var departed: [Departure] = []

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

    /// The goodbye `id` said within the last `timeoutMs`, if any.
    func departure(of id: String, now: MonotonicInstant) -> Departure? {
        guard !departed.isEmpty else { return nil }
        return departed.last { $0.id == id && now - $0.at < timeoutMs }
    }

    /// Records a sign of life. Returns true when the tab was not known as live before.
    ///
    /// A message from a tab that said goodbye within the last `timeoutMs` does not bring it back (it
    /// was sent before the goodbye and arrived after it, or it is forged), unless the tab `rejoins`
    /// (it started again: a join request).
    @discardableResult
    mutating func heard(
        _ id: String, priority: WallClockInstant?, now: MonotonicInstant, rejoins: Bool = false, specTab: Bool = false
    ) -> Bool {
        guard let i = index(of: id) else {
            if departure(of: id, now: now) != nil {
                guard rejoins else { return false }
                departed.removeAll { $0.id == id }
            }
            add(id, Peer(lastSeen: now, priority: priority, specTab: specTab), now: now)
            return true
        }
        lastIndex = i
        let wasLive = now - peers[i].peer.lastSeen < timeoutMs
        peers[i].peer.lastSeen = now
        peers[i].peer.specTab = specTab
        if let priority { peers[i].peer.priority = priority }
        return !wasLive
    }

    /// Adds a tab; at `maxPeers`, in the place of the least recently heard one.
    private mutating func add(_ id: String, _ peer: Peer, now: MonotonicInstant) {
        guard peers.count >= Self.maxPeers else {
            peers.append((id, peer))
            lastIndex = peers.count - 1
            positions?[id] = lastIndex
            return
        }
        var stalest = 0
        for i in peers.indices where peers[i].peer.lastSeen < peers[stalest].peer.lastSeen { stalest = i }
        positions?[peers[stalest].id] = nil
        peers[stalest] = (id, peer)
        positions?[id] = stalest
        lastIndex = stalest
    }

    /// Forgets a tab that said goodbye at `now` (monotonic, here), leaving epoch `epoch`.
    mutating func remove(_ id: String, now: MonotonicInstant, epoch: Int) {
        peers.removeAll { $0.id == id }
        positions = nil
        departed.removeAll { $0.id == id }
        departed.append(Departure(id: id, at: now, epoch: epoch))
        if departed.count > Self.maxDeparted { departed.removeFirst() }
    }

    /// Forgets tabs that went silent, keeping memory bounded however many tabs come and go.
    mutating func prune(now: MonotonicInstant) {
        let before = peers.count
        peers.removeAll { now - $0.peer.lastSeen >= timeoutMs }
        // Positions stay right when nothing went: rebuilding them after every prune was a tenth of
        // a channel of 400 idle tabs.
        if peers.count != before { positions = nil }
        departed.removeAll { now - $0.at >= timeoutMs }
    }

    /// How many tabs are tracked, live or not yet pruned (at most `maxPeers`).
    var trackedCount: Int { peers.count }

    func liveCount(now: MonotonicInstant) -> Int {
        peers.reduce(0) { $0 + (now - $1.peer.lastSeen < timeoutMs ? 1 : 0) }
    }

    /// The oldest live tab with a known priority, ties broken by id: the natural successor of a
    /// leader. Never a spec tab: it ignores the goodbye that names it.
    func oldestLive(now: MonotonicInstant) -> String? {
        peers.filter { now - $0.peer.lastSeen < timeoutMs && $0.peer.priority != nil && !$0.peer.specTab }
            .min { ($0.peer.priority!, $0.id) < ($1.peer.priority!, $1.id) }?.id
    }

    /// Notes the configuration fingerprint `theirs` heard from `id` (already heard from); true the
    /// first time it is found to differ from `mine` (reported once), false otherwise.
    mutating func noteConfig(_ id: String, _ theirs: String, mine: String) -> Bool {
        guard let i = index(of: id) else { return false }
        let differs = theirs != mine
        defer { peers[i].peer.differs = differs }
        return differs && !peers[i].peer.differs
    }

    /// The priority `id` told, if it is tracked and told one.
    func priority(of id: String) -> WallClockInstant? {
        peers.first { $0.id == id }?.peer.priority
    }

    /// True when `id`'s configuration differs from this tab's (as last heard).
    func differs(_ id: String) -> Bool {
        if lastIndex < peers.count, peers[lastIndex].id == id { return peers[lastIndex].peer.differs }
        return peers.first { $0.id == id }?.peer.differs ?? false
    }

    mutating func removeAll() {
        peers.removeAll()
        positions = nil
        departed.removeAll()
    }

    /// True when a live tab other than `except` is older than `me` (by priority, then id). Tabs
    /// whose priority is unknown do not count.
    func hasOlderLive(than me: (WallClockInstant, String), except: String, now: MonotonicInstant) -> Bool {
        // The id is compared with `except` last: on a channel of hundreds of tabs that string
        // comparison, made for every tab scanned, was most of the scan.
        peers.contains { p in
            guard let priority = p.peer.priority, now - p.peer.lastSeen < timeoutMs, (priority, p.id) < me else {
                return false
            }
            return p.id != except
        }
    }

    /// The most peers a TAB_PONG lists.
    static let maxListed = 64

    /// The live tabs and their priorities (those whose priority is known), at most `limit` of them:
    /// the oldest, which are the ones a newcomer needs to know (who answers, who succeeds a leader).
    func live(now: MonotonicInstant, except: String? = nil, limit: Int = .max) -> [String: WallClockInstant] {
        var all: [(id: String, priority: WallClockInstant)] = []
        for p in peers where p.id != except && now - p.peer.lastSeen < timeoutMs {
            if let priority = p.peer.priority { all.append((p.id, priority)) }
        }
        if all.count > limit {
            all.sort { ($0.priority, $0.id) < ($1.priority, $1.id) }
            all.removeLast(all.count - limit)
        }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.priority) })
    }
}
