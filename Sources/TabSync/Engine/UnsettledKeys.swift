/// The keys in motion: those a STATE_UPDATE sent or received within the settle window named.
///
/// Why: a TAB_PING's digest is the sender's state when it pinged, compared with the receiver's when
/// it arrives; a key updated within the window may still be on its way to one of them, so a
/// difference in it says nothing. Leaving those keys out of the comparison (rather than not
/// comparing at all, as before) lets repair run while the page is busy: a key that changes many
/// times a second keeps itself out, and a lost update of a quiet key is still found at the next
/// ping. Past `capacity` keys in one window the list is not kept, and the tab compares nothing
/// until the window has passed (as when every key was in motion).
struct UnsettledKeys {
    /// The most keys listed (and sent in a ping's `unsettled`).
    static let capacity = 16
    private var recent: [(key: String, at: MonotonicInstant)] = []
    /// When more keys than `capacity` were in motion at once.
    private var overflowAt: MonotonicInstant?

    /// Notes that an update of `keys` went out or came in at `now`.
    mutating func note(_ keys: [String], at now: MonotonicInstant, windowMs: Milliseconds) {
        if recent.count == keys.count, zip(recent, keys).allSatisfy({ $0.key == $1 }) {
            for i in recent.indices { recent[i].at = now }
            return
        }
        recent.removeAll { now - $0.at >= windowMs }
        for key in keys {
            if let i = recent.firstIndex(where: { $0.key == key }) {
                recent[i].at = now
            } else {
                recent.append((key, now))
            }
        }
        if recent.count > Self.capacity {
            recent.removeAll()
            overflowAt = now
        }
    }

    /// The keys in motion at `now`, sorted; nil while too many were in motion to list.
    func keys(at now: MonotonicInstant, windowMs: Milliseconds) -> [String]? {
        if let overflowAt, now - overflowAt < windowMs { return nil }
        guard !recent.isEmpty else { return [] }  // an idle tab, on every ping it sends and hears
        return recent.filter { now - $0.at < windowMs }.map(\.key).sorted()
    }

    mutating func removeAll() {
        recent.removeAll()
        overflowAt = nil
    }
}
