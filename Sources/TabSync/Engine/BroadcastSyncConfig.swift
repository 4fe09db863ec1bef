import Logging

/// The spec's `BroadcastSyncConfig`: same fields, same meanings, same defaults.
/// Fields after `shouldSync` are this engine's additions; each has a default that keeps the
/// spec's behaviour, and `validate()` checks them all.
public struct BroadcastSyncConfig {
    /// Channel name, unique per application.
    public var channelName: String
    /// Keys to synchronize; empty means every key not in `excludeKeys`.
    public var syncKeys: [String] = []
    /// Keys that never leave this tab and that no other tab can write here.
    public var excludeKeys: [String] = []
    /// At most one STATE_UPDATE per interval; changes inside it go out together at its end.
    public var throttleMs: Milliseconds = 100
    /// When above 0, a STATE_UPDATE goes out only after this long without a change.
    public var debounceMs: Milliseconds = 0
    public var conflictStrategy: ConflictStrategy = .lastWriteWins
    /// Used by `.custom`: given the local values and the remote values of the keys a message
    /// carries, returns the values to apply.
    public var customResolver: ((_ local: StateDocument, _ remote: StateDocument) -> StateDocument)?
    public var enableLeaderElection = false
    /// How often the leader sends HEARTBEAT.
    public var leaderHeartbeatMs: Milliseconds = 5000
    /// Writes the spec's debug lines (`[BroadcastSync:abc123] Sent: TAB_PING {}`) to `logger`.
    public var debug = false
    public var onSyncStateChange: ((SyncState) -> Void)?
    /// Called with the keys a remote message changed here and the sender's tab id.
    public var onRemoteUpdate: ((_ keys: [String], _ source: String) -> Void)?
    /// Gates outgoing changes: a local change is sent only when this returns true.
    public var shouldSync: ((_ previous: StateDocument, _ next: StateDocument) -> Bool)?

    /// A follower that hears nothing from its leader for this long starts an election.
    /// Nil means three heartbeat intervals.
    public var leaderTimeoutMs: Milliseconds?
    /// How long a candidate waits for an older candidate or a leader to answer before it claims.
    public var electionTimeoutMs: Milliseconds = 250
    /// How often a tab says TAB_PING so that others count it as connected.
    public var tabPingIntervalMs: Milliseconds = 2000
    /// Another tab not heard from for this long no longer counts as connected. Nil: three ping intervals.
    public var tabTimeoutMs: Milliseconds?
    /// How long a starting tab holds back its own changes while it waits for the others' state,
    /// so that its defaults never overwrite what the existing tabs hold.
    public var joinTimeoutMs: Milliseconds = 500
    /// How far ahead of this tab's wall clock a received version's time may be (CockroachDB's
    /// max-offset rule). Tabs on one machine share one clock; tabs whose clocks differ by more than
    /// this refuse each other's writes (dropped as `clockAhead`, and logged) instead of letting the
    /// fast clock win every conflict for as long as it is ahead.
    public var maxClockOffsetMs: Milliseconds = 500
    /// Frames larger than this (approximate JSON bytes) are dropped unread.
    public var maxMessageBytes = 1 << 20
    /// A name for people, sent in this tab's TAB_PING and TAB_PONG (`payload.name`) so that other
    /// tabs and a watcher can show it instead of an id: at most 64 bytes of UTF-8, no control
    /// characters. Nil sends none (a spec tab sends none and ignores it).
    public var tabName: String?
    /// Where debug lines go (swift-log), so an application can route them.
    public var logger = Logger(label: "TabSync.BroadcastSync")

    public init(channelName: String) {
        self.channelName = channelName
    }

    public var effectiveLeaderTimeoutMs: Milliseconds { leaderTimeoutMs ?? 3 * leaderHeartbeatMs }

    /// What decides whether two tabs can converge: the strategy and the key filters, as 8 hex
    /// characters (FNV-1a). Sent in pings and requests; tabs whose fingerprints differ would repair
    /// each other forever (each takes different keys, or keeps a different winner), so they don't.
    public var fingerprint: String {
        var hash = FNV1a()
        hash.mix(conflictStrategy.rawValue)
        for key in Set(syncKeys).sorted() { hash.mix("+" + key) }
        for key in Set(excludeKeys).sorted() { hash.mix("-" + key) }
        return hash.hex(digits: 8)
    }
    public var effectiveTabTimeoutMs: Milliseconds { tabTimeoutMs ?? 3 * tabPingIntervalMs }

    /// The longest duration a field may hold: one day. Every timer the engine derives from the
    /// configuration (three heartbeats, now plus a delay) then stays far from overflowing.
    public static let maxDurationMs: Milliseconds = 86_400_000

    /// The shortest heartbeat and ping interval: below it a timer fires faster than any channel
    /// delivers, and the traffic it makes is all the tab does.
    public static let minimumIntervalMs: Milliseconds = 10

    /// Checks every field; the error names the first field that is wrong.
    public func validate() throws(ConfigurationError) {
        func fail(_ field: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(field: field, reason: reason)
        }
        if channelName.allSatisfy(\.isWhitespace) { throw fail("channelName", "must not be empty") }
        let durations: [(String, Milliseconds?)] = [
            ("throttleMs", throttleMs), ("debounceMs", debounceMs), ("leaderHeartbeatMs", leaderHeartbeatMs),
            ("leaderTimeoutMs", leaderTimeoutMs), ("electionTimeoutMs", electionTimeoutMs),
            ("tabPingIntervalMs", tabPingIntervalMs), ("tabTimeoutMs", tabTimeoutMs), ("joinTimeoutMs", joinTimeoutMs),
        ]
        for case let (field, value?) in durations where value > Self.maxDurationMs {
            throw fail(field, "must be at most one day (\(Self.maxDurationMs)), got \(value)")
        }
        if throttleMs < 0 { throw fail("throttleMs", "must be 0 or more, got \(throttleMs)") }
        if debounceMs < 0 { throw fail("debounceMs", "must be 0 or more, got \(debounceMs)") }
        if leaderHeartbeatMs < Self.minimumIntervalMs {
            throw fail("leaderHeartbeatMs", "must be at least \(Self.minimumIntervalMs), got \(leaderHeartbeatMs)")
        }
        if let t = leaderTimeoutMs, t <= leaderHeartbeatMs {
            throw fail("leaderTimeoutMs", "must be longer than leaderHeartbeatMs (\(leaderHeartbeatMs)), got \(t)")
        }
        if electionTimeoutMs <= 0 { throw fail("electionTimeoutMs", "must be more than 0, got \(electionTimeoutMs)") }
        if tabPingIntervalMs < Self.minimumIntervalMs {
            throw fail("tabPingIntervalMs", "must be at least \(Self.minimumIntervalMs), got \(tabPingIntervalMs)")
        }
        if let t = tabTimeoutMs, t <= tabPingIntervalMs {
            throw fail("tabTimeoutMs", "must be longer than tabPingIntervalMs (\(tabPingIntervalMs)), got \(t)")
        }
        if joinTimeoutMs < 0 { throw fail("joinTimeoutMs", "must be 0 or more, got \(joinTimeoutMs)") }
        if maxClockOffsetMs < 0 || maxClockOffsetMs > Self.maxDurationMs {
            throw fail("maxClockOffsetMs", "must be 0 to one day (\(Self.maxDurationMs)), got \(maxClockOffsetMs)")
        }
        if let name = tabName, let problem = SyncMessage.nameProblem(name) { throw fail("tabName", problem) }
        if maxMessageBytes <= 0 { throw fail("maxMessageBytes", "must be more than 0, got \(maxMessageBytes)") }
        if conflictStrategy == .custom && customResolver == nil {
            throw fail("customResolver", "is required when conflictStrategy is 'custom'")
        }
        if syncKeys.contains("") { throw fail("syncKeys", "must not contain an empty key") }
        if excludeKeys.contains("") { throw fail("excludeKeys", "must not contain an empty key") }
        if let both = syncKeys.first(where: { excludeKeys.contains($0) }) {
            throw fail("syncKeys", "key '\(both)' is also in excludeKeys; a key is either synced or excluded")
        }
    }
}
