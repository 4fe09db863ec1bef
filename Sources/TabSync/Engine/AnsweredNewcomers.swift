/// The newcomers this tab has seen another tab answer: a TAB_PONG addressed to one, a
/// STATE_RESPONSE to its join request. Tabs that open together each think themselves the one to
/// answer (nobody knows anybody yet); a tab that has seen the answer go out leaves the newcomer
/// to the tab that sent it. If that answer never arrives (its sender crashed, a frame was lost),
/// the newcomer's join still ends after `joinTimeoutMs` and repair brings the state.
///
/// Bounded: an entry matters only while the newcomer joins, so it is kept for `windowMs` of this
/// tab's monotonic time, and at most `maxEntries` are kept; when the table is full and nothing
/// has expired, a new newcomer is not recorded (this tab may then answer it too: a duplicate,
/// never a missing answer). No eviction depends on dictionary order: the engine stays deterministic.
struct AnsweredNewcomers {
    struct Entry {
        var at: MonotonicInstant
        /// True once a TAB_PONG for the newcomer was seen.
        var ponged = false
        /// The join request ids seen answered (a later request of the same tab is answered again).
        var requests: [Int] = []
    }

    /// The most newcomers remembered at once; 800 tabs opening together fit.
    static let maxEntries = 1024
    /// The most request ids remembered per newcomer.
    static let maxRequests = 4

    var windowMs: Milliseconds
    private var entries: [String: Entry] = [:]

    init(windowMs: Milliseconds) {
        self.windowMs = windowMs
    }

    /// Notes that another tab sent `newcomer` a TAB_PONG (`requestId` nil) or answered its join
    /// request `requestId`.
    mutating func noteAnswer(to newcomer: String, requestId: Int?, now: MonotonicInstant) {
        if entries.count >= Self.maxEntries, entries[newcomer] == nil {
            entries = entries.filter { now - $0.value.at < windowMs }
            guard entries.count < Self.maxEntries else { return }
        }
        // One lookup, the entry changed in place: a copy taken out and put back made each append
        // copy its request ids, and hashed the id twice more (9% of 400 tabs joining at once).
        Self.note(&entries[newcomer, default: Entry(at: now)], requestId: requestId, now: now)
    }

    private static func note(_ entry: inout Entry, requestId: Int?, now: MonotonicInstant) {
        entry.at = now
        if let requestId {
            if !entry.requests.contains(requestId) {
                if entry.requests.count >= maxRequests { entry.requests.removeFirst() }
                entry.requests.append(requestId)
            }
        } else {
            entry.ponged = true
        }
    }

    /// True when another tab was seen sending `newcomer` a TAB_PONG within the window.
    func wasPonged(_ newcomer: String, now: MonotonicInstant) -> Bool {
        guard let entry = entries[newcomer], now - entry.at < windowMs else { return false }
        return entry.ponged
    }

    /// True when another tab was seen answering `newcomer`'s join request `requestId` within the window.
    func wasAnswered(_ newcomer: String, requestId: Int, now: MonotonicInstant) -> Bool {
        guard let entry = entries[newcomer], now - entry.at < windowMs else { return false }
        return entry.requests.contains(requestId)
    }

    /// Forgets `newcomer` (it said goodbye: a tab reopened under its id joins afresh).
    mutating func remove(_ newcomer: String) {
        entries[newcomer] = nil
    }

    /// Forgets every newcomer (this tab stopped: what it saw is stale once it hears nothing, and a
    /// newcomer it saw answered may have reopened meanwhile).
    mutating func removeAll() {
        entries = [:]
    }
}
