import TabSync

/// Which value must win each key, judged from what the simulator saw happen, not from the engine's
/// comparison code: tabs that agree on the wrong value pass a convergence check, and only an
/// oracle that knows every write can say that the value they agree on should have lost.
///
/// It records each local write with the simulator's own facts (the tab and its instance, the key,
/// the value, the virtual time and the tab's clock skew at the write) and the version the engine
/// gave it, and every version each tab instance held, polled on each of its events. A write
/// counts once some instance that is still running at the check held it: that instance can only
/// have moved on to versions that order after it, so the converged value must order at or after
/// every such write. A write that never left a crashed or closed tab does not count.
///
/// The expected winner of a key is then, among the writes that count, under `last-write-wins`
/// (and `merge`, for keys never given an object) the greatest (time, counter, tab id), and under
/// `first-write-wins` the highest write count, then the earliest (time, tab id): tuples compared
/// here, not `KeyVersion.wins`. The versions themselves are checked against the facts: a write is
/// stamped by its own tab, never earlier than that tab's wall clock (virtual time plus skew), and
/// under `first-write-wins` at exactly that clock. When no tab's clock was ever skewed, the wall
/// clock is the virtual time, and the expected winner must also be the write made last (or, under
/// `first-write-wins`, the earliest of the highest count) in virtual time, where that is one write.
public struct WinnerOracle: Sendable {
    /// A local write of one key, as the simulator saw it.
    public struct Write: Sendable, Equatable {
        public let tab: String
        public let tabId: String
        public let key: String
        /// The value written (nil: removed).
        public let value: JSONValue?
        public let atMs: Milliseconds
        public let clockSkewMs: Milliseconds
        /// The version the engine gave the write (nil: the engine gave none, as for a key it does not sync).
        public let version: KeyVersion?
        /// False for a tab with a configuration of its own: its versions follow its own strategy.
        public let judged: Bool
        /// The writer's wall clock at the write.
        public var wallMs: Milliseconds { atMs + clockSkewMs }
    }

    public private(set) var writes: [Write] = []
    /// True once any tab's clock was skewed: the virtual time alone no longer orders writes.
    public private(set) var clockWasSkewed = false
    /// Writes by key and version (a version names one write).
    private var writeByVersion: [String: [KeyVersion: Int]] = [:]
    /// Every version each tab instance (by id) held of each key.
    private var held: [String: [String: Set<KeyVersion>]] = [:]

    public init() {}

    mutating func wrote(_ write: Write) {
        writes.append(write)
        if let v = write.version { writeByVersion[write.key, default: [:]][v] = writes.count - 1 }
        if write.clockSkewMs != 0 { clockWasSkewed = true }
        if let v = write.version { held[write.tabId, default: [:]][write.key, default: []].insert(v) }
    }

    mutating func skewed(_ ms: Milliseconds) {
        if ms != 0 { clockWasSkewed = true }
    }

    /// The instance `tabId` holds `version` of `key` now.
    mutating func holds(tabId: String, key: String, version: KeyVersion) {
        guard version.counter > 0 else { return }  // a default: nobody's write
        held[tabId, default: [:]][key, default: []].insert(version)
    }

    /// One running tab at the check: its instance and what it holds.
    public struct Holder: Sendable {
        public let name: String
        public let tabId: String
        public let state: StateDocument
        public init(name: String, tabId: String, state: StateDocument) {
            self.name = name
            self.tabId = tabId
            self.state = state
        }
    }

    /// True when `a` must win over `b` under `strategy` (both writes, not defaults).
    static func beats(_ a: KeyVersion, _ b: KeyVersion, _ strategy: ConflictStrategy) -> Bool {
        if strategy == .firstWriteWins {
            if a.counter != b.counter { return a.counter > b.counter }
            if a.time.ms != b.time.ms { return a.time.ms < b.time.ms }
            return a.tabId < b.tabId
        }
        if a.time.ms != b.time.ms { return a.time.ms > b.time.ms }
        if a.counter != b.counter { return a.counter > b.counter }
        return a.tabId > b.tabId
    }

    /// What is wrong with the winners the running tabs `holders` hold of `keys` under `strategy`,
    /// one line per problem (empty: every key holds the value that must win).
    public func problems(strategy: ConflictStrategy, keys: [String], holders: [Holder]) -> [String] {
        guard strategy.converges else { return ["\(strategy.rawValue) promises no winner"] }
        var found: [String] = []
        for w in writes where w.judged {
            // Under merge an object's fields carry the versions (`MergedKey`), not the key.
            guard let v = w.version, strategy != .merge || w.value?.isObject != true else { continue }
            if v.tabId != w.tabId {
                found.append("\(w.tab)'s write of \(w.key) at \(w.atMs) ms carries another tab's id (\(v))")
            } else if v.time.ms < w.wallMs || (strategy == .firstWriteWins && v.time.ms != w.wallMs) {
                found.append(
                    "\(w.tab)'s write of \(w.key) at \(w.atMs) ms (clock \(w.wallMs)) is stamped at \(v.time.ms)")
            }
        }
        for key in keys.sorted() {
            let writesOfKey = writes.filter { $0.key == key }
            if strategy == .merge, writesOfKey.contains(where: { $0.value?.isObject == true }) { continue }
            var counted: Set<KeyVersion> = []
            for h in holders { counted.formUnion(held[h.tabId]?[key] ?? []) }
            guard !counted.isEmpty else { continue }
            var candidates: [Write] = []
            for v in counted.sorted(by: { Self.beats($0, $1, strategy) }) {
                guard let i = writeByVersion[key]?[v] else {
                    found.append("\(key): a tab held \(v) at \(v.time.ms), which no write made")
                    continue
                }
                candidates.append(writes[i])
            }
            guard let winner = candidates.first else { continue }
            if !clockWasSkewed, let byTime = Self.byVirtualTime(candidates, strategy), byTime != winner {
                found.append(
                    "\(key): the versions say \(winner.tab)'s write at \(winner.atMs) ms wins, "
                        + "but \(byTime.tab)'s at \(byTime.atMs) ms must (no clock was skewed)")
            }
            for h in holders where h.state[key] != winner.value {
                found.append(
                    "\(key): \(h.name) holds \(h.state[key]?.description ?? "nothing"), but "
                        + "\(winner.tab)'s write of \(winner.value?.description ?? "nothing") at \(winner.atMs) ms "
                        + "(\(winner.version!)) must win")
            }
        }
        return found
    }

    /// The write that must win by virtual time alone (unskewed clocks), or nil when two share the
    /// deciding millisecond.
    static func byVirtualTime(_ writes: [Write], _ strategy: ConflictStrategy) -> Write? {
        var pool = writes
        if strategy == .firstWriteWins {
            let top = pool.map { $0.version!.counter }.max()!
            pool = pool.filter { $0.version!.counter == top }
            let first = pool.map(\.atMs).min()!
            let at = pool.filter { $0.atMs == first }
            return at.count == 1 ? at[0] : nil
        }
        let last = pool.map(\.atMs).max()!
        let at = pool.filter { $0.atMs == last }
        return at.count == 1 ? at[0] : nil
    }
}
