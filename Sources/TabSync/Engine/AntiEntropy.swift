/// Repair after loss, partitions and freezes (anti-entropy). A BroadcastChannel delivers at most
/// once, so an update a tab missed is never sent again by itself. Each TAB_PING (every
/// `tabPingIntervalMs`) carries a digest of the sender's synced versions, 16 hex characters
/// (`VersionedDocument.digest`). A tab that hears a digest different from its own sends the pinger
/// a STATE_REPAIR with its versions (no values); the pinger answers with the keys it holds newer
/// values of, and asks back for the keys the requester holds newer ones of. Every tab applies every
/// answer (versions make that safe), so one exchange repairs all the tabs that missed the same thing.
///
/// A digest is the sender's state when it pinged, compared with the receiver's when it arrives: a
/// difference is evidence of a miss only once the messages that could explain it have landed. So
/// the keys a STATE_UPDATE sent or received within the settle window named (twice the longest
/// round trip measured lately, a quarter to one ping interval) are left out of both digests
/// (`UnsettledKeys`), a joining tab sends none, and a digest heard while this tab's own request is
/// unanswered is dropped if the answer moves this tab's state. With a fixed quarter ping interval,
/// slow networks (300-900 ms) sent more repair messages than updates while edits flowed, losing
/// nothing. After faults stop, every running tab converges within about one ping interval plus a
/// few latencies.
///
/// A state machine, as `LeaderElection` is, but a value with no timers and no channel: each input
/// (a digest heard, an update, an answer, the cooldown's end) comes with the time, and returns what
/// the engine is to do (a `Request` to send, a push allowed). `BroadcastSync` carries it out: it
/// sends the request with its document's versions and arms the cooldown timer, which calls
/// `cooldownEnded` when it fires.
struct AntiEntropy {
    /// Ask `target` for what differs: a STATE_REPAIR with this tab's versions (no values), after
    /// arming `cooldown`.
    struct Request: Equatable {
        let target: String
        let cooldown: Cooldown
    }

    /// While a request is unanswered, digests heard are only deferred: one request per cooldown,
    /// at least half a ping interval and `settleMs`, so that its answer has landed before the next
    /// is asked. The engine runs it as a timer, and reports its end with its `id`.
    struct Cooldown: Equatable {
        let id: Int
        let ms: Milliseconds
    }

    private let pingIntervalMs: Milliseconds
    /// A round trip longer than this (the tab timeout) is a tab that was frozen or silent.
    private let tabTimeoutMs: Milliseconds
    /// The longest round trip measured lately (a state request to its answer), in monotonic ms.
    private(set) var roundTripMs: Milliseconds = 0
    /// The last state request this tab sent and is waiting for an answer to: whom it asked (nil:
    /// a join request, answered by whoever answers) and when.
    private var pendingAsk: (target: String?, sentAt: MonotonicInstant)?
    /// The cooldown running, if any (its id).
    private var cooldown: Int?
    private var lastCooldownId = 0
    /// A digest that differed while the cooldown ran, its sender, the keys it left out, and this
    /// tab's digest then: checked again when the cooldown ends, unless this tab's state moved.
    private var deferred: (tabId: String, digest: String, excluded: [String], mine: String)?
    /// The keys a STATE_UPDATE sent or received within `settleMs` named: digests leave them out
    /// (see `UnsettledKeys`). Times, not timers: a background tab's timers are throttled, and a
    /// timer would keep keys in motion long after their window.
    private var unsettled = UnsettledKeys()
    /// When this tab last pushed newer values to each peer (`push`), for its rate limit.
    private var lastPushAt: [String: MonotonicInstant] = [:]

    init(pingIntervalMs: Milliseconds, tabTimeoutMs: Milliseconds) {
        self.pingIntervalMs = pingIntervalMs
        self.tabTimeoutMs = tabTimeoutMs
    }

    /// True while a request's cooldown runs.
    var isCoolingDown: Bool { cooldown != nil }

    /// How long after the last STATE_UPDATE sent or received a digest means something: twice the
    /// longest recent round trip, at least a quarter and at most one ping interval.
    ///
    /// Why: a TAB_PING's digest is the sender's state when it pinged. An update this tab sent (or
    /// received) shortly before the ping arrived had not reached the pinger when it pinged: the
    /// ping took one latency to come, the update one to go (or up to the spread of latencies more
    /// than it took to come here). Until those have passed, a differing digest only says that
    /// messages are on their way; a round trip is two typical latencies, so twice it covers them.
    /// With a fixed quarter ping interval (500 ms) and the teaching network's 300-900 ms latency,
    /// nearly every ping heard while edits flowed looked like divergence: more repair requests and
    /// (stale, `Kept ...`) answers went out than updates, on a network that lost nothing. Measured,
    /// the window fits any network: on a browser's channel (a few ms) it stays a quarter ping
    /// interval, as before.
    var settleMs: Milliseconds {
        min(pingIntervalMs, max(pingIntervalMs / 4, 2 * roundTripMs, 1))
    }

    // MARK: - Inputs

    /// A STATE_UPDATE of `keys` went out or came in at `now`: one clock read, no timer.
    mutating func updated(_ keys: [String], at now: MonotonicInstant) {
        unsettled.note(keys, at: now, windowMs: settleMs)
    }

    /// The keys in motion at `now` (see `UnsettledKeys`); nil while too many are to name them.
    func movingKeys(at now: MonotonicInstant) -> [String]? {
        unsettled.keys(at: now, windowMs: settleMs)
    }

    /// The keys this tab's ping digest leaves out (and names), or nil for no digest at all: a tab
    /// still joining, or with too many keys in motion to name, sends none, since it would describe
    /// a state its peers have not been told of yet, or one about to change.
    func pingExclusions(at now: MonotonicInstant, converges: Bool, joining: Bool) -> [String]? {
        guard converges, !joining else { return nil }
        return movingKeys(at: now)
    }

    /// This tab sent a join request at `now`: its answer is awaited, and the cooldown runs.
    mutating func joinRequested(at now: MonotonicInstant) -> Cooldown {
        pendingAsk = (nil, now)
        return armCooldown()
    }

    /// A STATE_RESPONSE from `sender` arrived at `now`: an answer to this tab's pending request
    /// (from the tab asked; for a join, `joinAnswer`) measures the round trip.
    mutating func answerHeard(from sender: String, answersMe: Bool, joinAnswer: Bool, at now: MonotonicInstant) {
        guard let ask = pendingAsk, answersMe, ask.target.map({ $0 == sender }) ?? joinAnswer else { return }
        measuredRoundTrip(now - ask.sentAt)
    }

    /// A TAB_PING's or TAB_PONG's digest (`theirs`), made without the keys the sender had in motion
    /// (`excluded`, sorted), heard at `now`; `mine` makes this tab's digest the same way. Compared
    /// only when every key in motion here is in motion there too: otherwise an update this tab sent
    /// or received may not have reached the sender when it pinged. Never with a peer whose
    /// configuration differs (`differs`): the two would repair each other forever.
    mutating func digestHeard(
        _ theirs: String, excluding excluded: [String], from sender: String, at now: MonotonicInstant,
        converges: Bool, differs: Bool, joining: Bool, mine: (_ excluded: [String]) -> String
    ) -> Request? {
        guard converges, !differs, let moving = movingKeys(at: now),
            moving.allSatisfy({ excluded.binarySearchContains($0) })
        else { return nil }
        let digest = mine(excluded)
        guard theirs != digest else { return nil }
        if isCoolingDown {
            deferred = (sender, theirs, excluded, digest)
            return nil
        }
        return request(from: sender, at: now, joining: joining)
    }

    /// Answering `requester`, this tab found it holds newer values of some keys: asks for them in turn.
    mutating func requesterHoldsNewer(
        _ requester: String, at now: MonotonicInstant, differs: Bool, joining: Bool
    ) -> Request? {
        guard !differs else { return nil }
        return request(from: requester, at: now, joining: joining)
    }

    /// The cooldown `id` ended at `now`. A digest heard meanwhile is checked again only if this
    /// tab's state has not moved since (`mine` of its exclusions is what it was): if it has (the
    /// answer came), the old digest says nothing about the new state, and the next TAB_PING will tell.
    mutating func cooldownEnded(
        _ id: Int, at now: MonotonicInstant, joining: Bool, mine: (_ excluded: [String]) -> String
    ) -> Request? {
        if cooldown == id { cooldown = nil }
        guard let deferred else { return nil }
        self.deferred = nil
        let digest = mine(deferred.excluded)
        guard deferred.mine == digest, deferred.digest != digest else { return nil }
        return request(from: deferred.tabId, at: now, joining: joining)
    }

    /// The cooldown timer did not run (the timers were closed under it, or the sync stopped).
    mutating func cooldownCancelled() {
        cooldown = nil
    }

    /// Whether to push newer values of `keys` to `sender` now: an answer to this tab showed that its
    /// sender (and whoever else applied it) lacks them. At most one push per peer per settle
    /// window: two tabs that keep disagreeing (a peer whose fingerprint lies, a forged answer)
    /// cannot make it a storm. The table of peers is bounded by `PeerTracker.maxListed`.
    mutating func push(
        _ keys: [String], to sender: String, at now: MonotonicInstant, converges: Bool, differs: Bool
    ) -> Bool {
        guard !keys.isEmpty, converges, !differs else { return false }
        if let last = lastPushAt[sender], now - last < settleMs { return false }
        if lastPushAt.count >= PeerTracker.maxListed { lastPushAt = lastPushAt.filter { now - $0.value < settleMs } }
        lastPushAt[sender] = now
        return true
    }

    /// Why this tab does not answer a repair request addressed to `target` (nil: it answers).
    static func refusal(ofRequestTo target: String, me: String, differs: Bool) -> String? {
        if target != me { return "repair request for another tab" }
        return differs ? "repair request from another configuration" : nil
    }

    // MARK: - Inside

    /// At most one state request (this or a join's) per cooldown: a digest that differs from many
    /// tabs' at once is repaired by the first answer, which every tab applies.
    private mutating func request(from target: String, at now: MonotonicInstant, joining: Bool) -> Request? {
        guard !joining, !isCoolingDown else { return nil }
        deferred = nil
        let armed = armCooldown()
        pendingAsk = (target, now)
        return Request(target: target, cooldown: armed)
    }

    private mutating func armCooldown() -> Cooldown {
        lastCooldownId &+= 1
        cooldown = lastCooldownId
        return Cooldown(id: lastCooldownId, ms: max(pingIntervalMs / 2, settleMs, 1))
    }

    /// Takes a round trip into `roundTripMs`: a longer one at once, a shorter one slowly (an eighth
    /// of the way), so that one quick answer does not shorten the window a slow network needs.
    private mutating func measuredRoundTrip(_ sample: Milliseconds) {
        pendingAsk = nil
        // Longer than a tab timeout is a tab that was frozen or silent, not a round trip.
        guard sample < tabTimeoutMs else { return }
        roundTripMs = sample >= roundTripMs ? sample : roundTripMs - (roundTripMs - sample) / 8
    }
}
