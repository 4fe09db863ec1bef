import Logging

/// The spec's `BroadcastSyncInstance`: keeps the configured keys of a store equal across the tabs
/// on one channel, and (when enabled) elects one leader among them.
///
/// A state machine driven by three inputs: store changes, frames from the channel and timers of the
/// injected scheduler. It is not thread-safe by design: like a browser tab it runs on one thread,
/// the scheduler's.
public final class BroadcastSync {
    /// Counters of what the instance did, for tests, the simulator and the UI.
    /// Kept in arrays indexed by message type and drop reason: counting is on every message's path.
    public struct Statistics: Sendable, Equatable {
        var sentCounts = [Int](repeating: 0, count: SyncMessageType.allCases.count)
        var receivedCounts = [Int](repeating: 0, count: SyncMessageType.allCases.count)
        var droppedCounts = [Int](repeating: 0, count: DropReason.allCases.count)
        public internal(set) var ignored = 0
        /// Remote messages that changed at least one key here.
        public internal(set) var applied = 0
        /// Keys in received messages that this tab's syncKeys/excludeKeys refused.
        public internal(set) var refusedKeys = 0

        /// Messages sent, by type (types never sent are absent).
        public var sent: [SyncMessageType: Int] { Self.byCase(SyncMessageType.allCases, sentCounts) }
        /// Valid messages received, by type.
        public var received: [SyncMessageType: Int] { Self.byCase(SyncMessageType.allCases, receivedCounts) }
        /// Frames dropped unread, by reason.
        public var dropped: [DropReason: Int] { Self.byCase(DropReason.allCases, droppedCounts) }
        public var sentTotal: Int { sentCounts.reduce(0, +) }
        public var receivedTotal: Int { receivedCounts.reduce(0, +) }
        public var droppedTotal: Int { droppedCounts.reduce(0, +) }

        private static func byCase<K: Hashable>(_ cases: [K], _ counts: [Int]) -> [K: Int] {
            var d: [K: Int] = [:]
            for (k, n) in zip(cases, counts) where n > 0 { d[k] = n }
            return d
        }
    }

    public let store: Store
    public private(set) var config: BroadcastSyncConfig
    /// This tab's id: `tab-<creation ms>-<6 random characters>` unless the environment fixes one.
    public let tabId: String
    /// The creation time: the election priority, fixed at birth (lower is older).
    public let priority: WallClockInstant
    public private(set) var statistics = Statistics()
    /// The last state reported through `onSyncStateChange`.
    public private(set) var syncState: SyncState = .disconnected

    let timers: TimerSet
    /// The wall clock: read only for what goes on the wire (timestamps, priority, write stamps).
    private let clock: any SyncClock
    private let transport: any SyncTransport
    private let observer: ((SyncEvent) -> Void)?
    private var endpoint: (any ChannelEndpoint)?
    private var subscription: StoreSubscription?
    private var peers: PeerTracker
    private var batcher: UpdateBatcher!
    private(set) var election: LeaderElection?
    /// The versions of the synced keys, and what they decide (the values are the store's).
    private var document: VersionedDocument
    /// Repair (anti-entropy): its state machine; this instance carries out what it decides.
    private var antiEntropy: AntiEntropy
    /// The timer of the repair cooldown running (`AntiEntropy.Cooldown`).
    private var repairCooldown: TimerHandle?
    /// The fingerprint of what decides convergence here (`BroadcastSyncConfig.fingerprint`).
    private var fingerprint: String
    /// Newcomers another tab was seen answering: this tab leaves them to it (tabs opening together).
    private var answered: AnsweredNewcomers
    /// Join answers (a TAB_PONG, a join request's answer) a tab still joining holds for
    /// `joinAnswerDelayMs` before deciding again: at most `AnsweredNewcomers.maxEntries`.
    private var deferredAnswers: [(message: SyncMessage, pong: Bool)] = []
    private var deferredAnswerTimer: TimerHandle?
    /// How long a tab still joining waits before answering a newcomer as the oldest tab it knows:
    /// tabs that open together hear of the older ones (or see their answers) meanwhile.
    static let joinAnswerDelayMs: Milliseconds = 20
    private(set) var pingTimer: TimerHandle?
    private var joinTimer: TimerHandle?
    private var outstandingRequest: Int?
    private var nextRequestId = 0
    private var leaderTasks: [LeaderTask] = []
    private let keyFilter: KeyFilter
    /// The last key list `acceptedKeys` was asked about, and its answer (`remember`).
    private var lastOffered: [String] = []
    private var lastAccepted: [String] = []
    /// The largest frame this tab sends: `maxMessageBytes`, or the transport's limit if smaller.
    private let frameLimit: Int
    /// What one frame leaves for values, after the envelope, the keys list and the versions.
    public static let frameReserve = 1024
    /// The list of keys each applied message changed, reused from one delivery to the next.
    private var changeBuffer: [KeyChange] = []

    /// Creates an instance (not started). Throws when the configuration is invalid, naming the field.
    public init(store: Store, config: BroadcastSyncConfig, environment: SyncEnvironment) throws(ConfigurationError) {
        try config.validate()
        self.store = store
        self.config = config
        self.clock = environment.clock
        self.transport = environment.transport
        self.observer = environment.observer
        self.priority = environment.clock.wallNow
        var random = environment.random
        self.tabId = environment.tabId ?? "tab-\(priority.ms)-\(random.alphanumeric(length: 6))"
        self.timers = TimerSet(scheduler: environment.scheduler)
        self.peers = PeerTracker(timeoutMs: config.effectiveTabTimeoutMs)
        self.answered = AnsweredNewcomers(windowMs: config.joinTimeoutMs)
        self.keyFilter = KeyFilter(syncKeys: config.syncKeys, excludeKeys: config.excludeKeys)
        self.antiEntropy = AntiEntropy(
            pingIntervalMs: config.tabPingIntervalMs, tabTimeoutMs: config.effectiveTabTimeoutMs)
        self.document = VersionedDocument(
            strategy: config.conflictStrategy, ownDefault: KeyVersion(counter: 0, time: priority, tabId: tabId),
            keyFilter: keyFilter)
        self.fingerprint = config.fingerprint
        self.frameLimit = min(config.maxMessageBytes, environment.transport.frameLimit ?? .max)
        self.batcher = UpdateBatcher(
            throttleMs: config.throttleMs, debounceMs: config.debounceMs, timers: timers
        ) { [unowned self] keys in self.sendUpdate(keys) }
        timers.owner = self
    }

    /// An instance dropped without `stop()` leaves nothing behind: no timer, no open endpoint, no
    /// subscription to a store that may live on.
    deinit {
        timers.cancelAll()
        if endpoint != nil { store.valueCheck = nil }
        endpoint?.close()
        if let subscription { store.unsubscribe(subscription) }
    }

    // MARK: - The spec's instance API

    /// Opens the channel, announces this tab and asks the others for their state. Does nothing when
    /// already active; when the transport is unavailable the instance stays inactive and reports
    /// `disconnected`.
    public func start() {
        guard endpoint == nil else { return }
        guard
            let ep = transport.open(
                channelName: config.channelName, ownerId: tabId, scheduler: timers.scheduler,
                onFrame: { [unowned self] frame in self.receive(frame) })
        else {
            emit(.unavailable)
            report(.disconnected)
            return
        }
        endpoint = ep
        timers.open()
        let valueLimit = max(0, frameLimit - Self.frameReserve)
        // The filter is captured by value, not the sync: a weak reference would give this object a
        // side table, and every retain and release of it, on every message, the slow path.
        let filter = keyFilter
        store.valueCheck = { key, value in
            guard key.utf8.count + 4 + value.byteCountBound > valueLimit else { return nil }
            let bytes = key.utf8.count + 4 + value.approximateByteCount
            guard bytes > valueLimit, filter.accepts(key) else { return nil }
            return ValueTooLarge(key: key, bytes: bytes, limit: valueLimit)
        }
        subscription = store.subscribe(localOnly: true) { [unowned self] change in self.storeChanged(change) }
        emit(.started)
        report(.connected)
        // The first ping carries no digest: the join request that follows brings the state.
        send(
            .tabPing,
            SyncMessage.Payload(priority: priority, epoch: election.map { $0.highestEpoch }, name: config.tabName))
        schedulePing()
        batcher.hold()
        requestState()
        joinTimer = timers.schedule(afterMs: config.joinTimeoutMs) { [unowned self] in self.finishJoining() }
        if config.enableLeaderElection, isActive() {  // a callback above may have stopped it already
            election = LeaderElection(
                me: .init(id: tabId, priority: priority), heartbeatMs: config.leaderHeartbeatMs,
                leaderTimeoutMs: config.effectiveLeaderTimeoutMs, electionTimeoutMs: config.electionTimeoutMs,
                timers: timers, roundTripMs: { [unowned self] in self.antiEntropy.roundTripMs },
                send: { [unowned self] type, payload in self.send(type, payload) },
                onRoleChange: { [unowned self] change in self.roleChanged(change) })
            election?.maxAdaptedMs = config.effectiveTabTimeoutMs
            election?.start()
        }
    }

    /// Sends what is still pending, says goodbye (naming a successor when leading), cancels every
    /// timer and closes the channel. After it, nothing of this tab fires or sends.
    public func stop() {
        guard let ep = endpoint else { return }
        // Changes still pending go out, those held during a join too: they are this tab's own
        // versioned writes, and apply elsewhere only where they still win. Defaults never go out.
        batcher.flushNow()
        var goodbye = election?.stop() ?? SyncMessage.Payload()
        if goodbye.epoch != nil { goodbye.leaderId = peers.oldestLive(now: monotonicNow) }
        send(.tabClose, goodbye)
        election = nil
        for task in leaderTasks { task.pause() }
        timers.close()
        antiEntropy.cooldownCancelled()
        batcher.reset()
        if let subscription { store.unsubscribe(subscription) }
        subscription = nil
        store.valueCheck = nil
        ep.close()
        endpoint = nil
        peers.removeAll()
        answered.removeAll()
        outstandingRequest = nil
        deferredAnswers = []
        deferredAnswerTimer = nil
        emit(.stopped)
        report(.disconnected)
    }

    public func isActive() -> Bool { endpoint != nil }

    /// The time base of peer liveness and every timeout: the scheduler's monotonic time.
    private var monotonicNow: MonotonicInstant { timers.scheduler.monotonicNow }

    /// True while this tab leads. Always false when leader election is off.
    public func isLeader() -> Bool { election?.isLeader ?? false }

    public func getTabId() -> String { tabId }

    /// Asks the other tabs for their state. One tab answers: the leader when this tab knows one,
    /// otherwise the oldest tab it knows (a tab still joining answers only younger tabs). The
    /// request carries this tab's versions, so the answer holds only the keys that would change
    /// here, and it applies per key only where its version wins. If no answer comes (lost, a
    /// partition, a frozen leader), the join ends after `joinTimeoutMs` and repair (anti-entropy,
    /// at the next TAB_PING heard) brings the state. Tabs that start together converge on the
    /// oldest one's defaults.
    public func requestState() {
        guard isActive() else { return }
        nextRequestId += 1
        outstandingRequest = nextRequestId
        arm(antiEntropy.joinRequested(at: monotonicNow))
        var payload = versionsPayload()
        payload.requestId = nextRequestId
        send(.stateRequest, payload)
    }

    /// Sends the current values of `keys` (default: every synced key) at once, whatever the
    /// throttle. Excluded keys are never sent, even when named.
    public func broadcastState(keys: [String]? = nil) {
        guard isActive() else { return }
        let chosen = (keys ?? Array(store.state.keys).sorted()).filter(isSynced)
        guard !chosen.isEmpty else { return }
        batcher.discard(chosen)
        sendUpdate(chosen)
    }

    /// Other tabs heard from within the tab timeout (`tabTimeoutMs`); tabs that said goodbye are gone at once.
    public func getConnectedTabs() -> Int { peers.liveCount(now: monotonicNow) }

    /// Makes this tab leader now, in a new epoch: the previous leader steps down when it hears of it.
    /// Does nothing unless the sync is active with leader election on.
    public func forceLeader() {
        guard isActive() else { return }
        guard let election else {
            config.logger.notice("forceLeader ignored: enableLeaderElection is false")
            return
        }
        election.forceLeader()
    }

    // MARK: - Beyond the spec

    /// Changes how this tab resolves incoming state from now on (for QA of conflict strategies).
    /// Throws, changing nothing, when the result is invalid (`custom` without a resolver).
    public func setConflictStrategy(
        _ strategy: ConflictStrategy, customResolver: ((StateDocument, StateDocument) -> StateDocument)? = nil
    ) throws(ConfigurationError) {
        var changed = config
        changed.conflictStrategy = strategy
        if let customResolver { changed.customResolver = customResolver }
        try changed.validate()
        config = changed
        fingerprint = changed.fingerprint
        document.setStrategy(strategy)
    }

    /// The election role (`none` when election is off or the sync is stopped).
    public var role: ElectionRole { election?.role ?? .none }
    /// The current election epoch of this tab; it never decreases while the sync runs.
    public var epoch: Int { election?.epoch ?? 0 }
    /// The leader this tab currently hears (itself when leading), if any.
    public var leaderId: String? { election?.leaderId }
    /// The version of a synced key's value here: nil for a key this tab holds nothing of (never
    /// set, never removed). A default this tab opened with has counter 0 and this tab's id.
    public func version(of key: String) -> KeyVersion? {
        document.readVersion(of: key, values: store.state)
    }

    /// Changes whenever the versions this tab holds (`version(of:)`) or its store's state may have:
    /// two equal readings mean neither changed between them.
    public var revision: Int { document.versionsGeneration &+ store.revision }

    /// The version of every synced key this tab holds a value or a removal of, for display.
    public var keyVersions: [String: KeyVersion] { document.keyVersions(values: store.state) }

    /// The digest of this tab's synced versions, as its TAB_PING carries it: two tabs with the same
    /// digest hold the same synced state (see `VersionedDocument.digest`).
    public var digest: String { document.digest(values: store.state, revision: store.revision) }

    /// Local keys changed and not yet sent (waiting for the throttle or debounce, or for the join).
    public var pendingKeys: [String] { Array(batcher.pendingKeys) }
    /// True between `start()` and the first answer to its state request (or `joinTimeoutMs`).
    public var isJoining: Bool { batcher.isHeld }
    /// Timers this instance has scheduled and not yet fired.
    public var scheduledTimerCount: Int { timers.count }

    /// Runs `work` now and every `intervalMs` while this tab leads (see `LeaderTask`).
    @discardableResult
    public func whileLeader(everyMs intervalMs: Milliseconds, _ work: @escaping () -> Void) -> LeaderTask {
        leaderTasks.removeAll(where: \.isCancelled)
        let task = LeaderTask(intervalMs: max(1, intervalMs), work: work, timers: timers)
        leaderTasks.append(task)
        if isLeader() { task.resume() }
        return task
    }

    /// True when `key` may leave this tab and may be written here by another tab.
    public func isSynced(_ key: String) -> Bool {
        keyFilter.accepts(key)
    }

    // MARK: - Outgoing

    private func storeChanged(_ change: StoreChange) {
        let keys = acceptedKeys(of: change)
        guard !keys.isEmpty else { return }
        // To the observer only, before anything is sent: the echo check's one source of local changes.
        observer?(.localChange(keys: keys))
        // A change shouldSync keeps local gets no version either: repair must not spread it.
        if let shouldSync = config.shouldSync, !shouldSync(change.previous, change.next) { return }
        document.writeLocally(change.changes, keys: keys, at: clock.wallNow, values: store.state)
        if batcher.takeImmediateSend() {
            // Sent at once: when the application's partial state is exactly what changed, it is the payload.
            let values = change.written.flatMap { $0.count == keys.count ? $0 : nil }
            sendUpdate(keys, values: values)
        } else {
            batcher.add(keys)
        }
    }

    /// Sends the current values of `keys`, which the caller has already filtered with `isSynced`.
    /// `values`, when given, holds exactly those values.
    private func sendUpdate(_ keys: [String], values: StateDocument? = nil) {
        guard !keys.isEmpty else { return }
        // Keys this tab wrote together at this instant (an update sent at once) share one version: the
        // message's time and sender, and its `counter`. Other keys carry their versions explicitly.
        // The clock is read once: the message's timestamp is the time the receivers take for the version.
        let now = clock.wallNow
        let implicit = document.sharedVersion(of: keys).flatMap { $0.tabId == tabId && $0.time == now ? $0 : nil }
        antiEntropy.updated(keys, at: monotonicNow)
        for part in parts(of: keys, values: values) {
            var payload = statePayload(part, values: part.count == keys.count ? values : nil, implicit: implicit)
            payload.counter = implicit?.counter
            send(.stateUpdate, payload, at: now)
        }
    }

    /// `keys` in groups whose values fit one frame each (one group when they all fit, as they
    /// nearly always do). A value too large for any frame was refused at `setState`; one that
    /// came another way (a remote tab with a larger limit) goes alone in its own frame.
    private func parts(of keys: [String], values: StateDocument? = nil) -> [[String]] {
        guard keys.count > 1, frameLimit < Int.max / 2 else { return [keys] }
        let budget = frameLimit - Self.frameReserve
        let state = values ?? store.state
        let fieldVersions = document.fieldVersions
        func cost(_ key: String, _ value: JSONValue?, bound: Bool = false) -> Int {
            let fields = fieldVersions.isEmpty ? 0 : fieldVersions[key]?.count ?? 0
            let bytes = value.map { bound ? $0.byteCountBound : $0.approximateByteCount } ?? 0
            return key.utf8.count + 200 * (1 + fields) + bytes
        }
        // Nearly always they all fit: a bound summed first, from the values at hand without a
        // lookup when they are exactly the keys', and no group is built.
        let bound =
            values?.count == keys.count
            ? state.reduce(0) { $0 + cost($1.key, $1.value, bound: true) }
            : keys.reduce(0) { $0 + cost($1, state[$1], bound: true) }
        if bound <= budget || keys.reduce(0, { $0 + cost($1, state[$1]) }) <= budget { return [keys] }
        var groups: [[String]] = []
        var group: [String] = []
        var used = 0
        for key in keys {
            let cost = cost(key, state[key])
            if !group.isEmpty, used + cost > budget {
                groups.append(group)
                group = []
                used = 0
            }
            group.append(key)
            used += cost
        }
        if !group.isEmpty || groups.isEmpty { groups.append(group) }
        return groups
    }

    /// The values of `keys` with their versions, leaving out versions equal to `implicit` (see
    /// `VersionedDocument.payload`).
    private func statePayload(
        _ keys: [String], values: StateDocument? = nil,
        implicit: KeyVersion?
    ) -> SyncMessage.Payload {
        document.payload(of: keys, written: values, implicit: implicit, values: store.state)
    }

    /// This tab's versions without its values, its priority and its configuration's fingerprint:
    /// what a state request carries.
    private func versionsPayload() -> SyncMessage.Payload {
        var payload = document.versionsPayload(values: store.state)
        payload.priority = priority
        payload.config = fingerprint
        return payload
    }

    /// The digest leaves out the keys in motion (`UnsettledKeys`) and names them; a tab still joining,
    /// or with too many keys in motion to name, sends none: it would describe a state its peers have
    /// not been told of yet, or one about to change.
    private func pingPayload() -> SyncMessage.Payload {
        var payload = SyncMessage.Payload(priority: priority, epoch: election.map { $0.highestEpoch })
        payload.config = fingerprint
        payload.name = config.tabName
        guard
            let moving = antiEntropy.pingExclusions(
                at: monotonicNow, converges: config.conflictStrategy.converges, joining: isJoining)
        else { return payload }
        payload.digest = digest(excluding: moving)
        if !moving.isEmpty { payload.unsettled = moving }
        return payload
    }

    /// Sends a message stamped `timestamp` (default: the wall clock now).
    private func send(_ type: SyncMessageType, _ payload: SyncMessage.Payload, at timestamp: WallClockInstant? = nil) {
        guard let endpoint else { return }
        let message = SyncMessage(
            type: type, tabId: tabId, timestamp: timestamp ?? clock.wallNow,
            payload: payload.isEmpty ? nil : payload)
        statistics.sentCounts[type.ordinal] += 1
        emit(.sent(message))
        endpoint.post(.message(message))
    }

    /// Timer actions hold the instance unowned and make one method call: the call keeps it alive
    /// to its end, even when a callback on the way lets go of it.
    private func schedulePing() {
        pingTimer = timers.schedule(afterMs: pingPeriodMs) { [unowned self] in self.pingDue() }
    }

    private func pingDue() {
        peers.timeoutMs = Self.stretched(config.effectiveTabTimeoutMs, by: pingStretch)
        peers.prune(now: monotonicNow)
        send(.tabPing, pingPayload())
        schedulePing()
    }

    /// Every tab pings every other: N tabs make N(N-1) deliveries a period. From 16 tabs on, the
    /// period grows with the live count, `tabPingIntervalMs × N/16` up to `maxPingPeriodMs`, and
    /// the tab timeout with it, so idle traffic grows with N, not N². What it costs: a crashed
    /// follower leaves the counts after three periods (90 s at 30 s), and repair waits a period;
    /// leader failover does not change (heartbeats are not stretched). Tabs count about the same
    /// N, and three periods of one stretch outlast one period of the next, so counts stay stable.
    private var pingStretch: Int {
        let byCount = max(1, (peers.liveCount(now: monotonicNow) + 1) / Self.tabsPerPingPeriod)
        return min(byCount, max(1, Self.maxPingPeriodMs / config.tabPingIntervalMs))
    }
    static let tabsPerPingPeriod = 16
    /// The longest a period is stretched to (unless `tabPingIntervalMs` is longer already).
    public static let maxPingPeriodMs: Milliseconds = 30_000

    private var pingPeriodMs: Milliseconds { Self.stretched(config.tabPingIntervalMs, by: pingStretch) }

    private static func stretched(_ ms: Milliseconds, by factor: Int) -> Milliseconds {
        let (product, overflow) = ms.multipliedReportingOverflow(by: factor)
        return overflow ? .max : product
    }

    // MARK: - Incoming

    private func receive(_ frame: ChannelFrame) {
        switch frame {
        case .message(let m):
            accept(m)  // used in place: binding it to a variable outside the switch would copy it
        case .json(let json):
            guard json.approximateByteCount <= config.maxMessageBytes else {
                return drop(
                    .oversized, "about \(json.approximateByteCount) bytes, limit \(config.maxMessageBytes)", from: nil)
            }
            do { accept(try SyncMessage(json: json)) } catch {
                drop(.malformed, error.reason, from: json.objectValue?["tabId"]?.stringValue)
            }
        }
    }

    private func accept(_ m: SyncMessage) {
        guard let problem = check(m) else { return handle(m) }
        drop(problem.0, problem.1, from: m.tabId)
    }

    /// Why a decoded message cannot be used, checked before any of it is acted on.
    private func check(_ m: SyncMessage) -> (DropReason, String)? {
        if m.tabId.isEmpty { return (.malformed, "empty tabId") }
        if m.tabId == tabId { return (.idCollision, "sender id is this tab's own id") }
        // The payload's part is found once per post, for every receiver of it (`PayloadVerdict`).
        let verdict = m.payload?.verdict
        if let problem = m.rangeProblem(verdict) { return (.malformed, problem) }
        let state = m.payload?.state
        if let verdict, state != nil {
            if let problem = verdict.keysProblem { return (.inconsistentKeys, problem) }
            if verdict.stateBytes > config.maxMessageBytes {
                return (.oversized, "state of about \(verdict.stateBytes) bytes, limit \(config.maxMessageBytes)")
            }
            if let problem = verdict.valueProblem { return (.invalidValue, problem) }
        }
        if let problem = timeProblem(m) { return problem }
        if let listed = m.payload?.unsettled?.count, listed > UnsettledKeys.capacity {
            return (.malformed, "payload.unsettled lists \(listed) keys, more than \(UnsettledKeys.capacity)")
        }
        switch m.type {
        case .stateUpdate, .stateResponse:
            if state == nil { return (.malformed, "\(m.type.rawValue) without payload.state") }
        case .leaderAnnounce:
            if m.payload?.leaderId == nil { return (.malformed, "LEADER_ANNOUNCE without payload.leaderId") }
        default: break
        }
        return nil
    }

    /// Why a message's times or epoch cannot be trusted: a version further ahead of this tab's wall
    /// clock than `maxClockOffsetMs`, or an epoch more than `LeaderElection.maxEpochStep` above any
    /// this tab has seen. Versions in requests are the sender's knowledge, not writes: not checked.
    private func timeProblem(_ m: SyncMessage) -> (DropReason, String)? {
        if let epoch = m.payload?.epoch, let election,
            epoch > WireInteger.adding(election.highestEpoch, LeaderElection.maxEpochStep)
        {
            return (
                .epochJump,
                "epoch \(epoch) is more than \(LeaderElection.maxEpochStep) above \(election.highestEpoch)"
            )
        }
        guard m.type == .stateUpdate || m.type == .stateResponse, let payload = m.payload else { return nil }
        let limit = clock.wallNow + config.maxClockOffsetMs
        func ahead(_ time: WallClockInstant, _ what: @autoclosure () -> String) -> (DropReason, String)? {
            guard time > limit else { return nil }
            return (
                .clockAhead,
                "\(what()) is \(time - clock.wallNow) ms ahead of this clock (maxClockOffsetMs \(config.maxClockOffsetMs))"
            )
        }
        if m.type == .stateUpdate, let problem = ahead(m.timestamp, "the update's time") { return problem }
        // The first key ahead in key order, so that the one named is the same in every run.
        func firstAhead(_ versions: [String: KeyVersion]) -> (key: String, time: WallClockInstant)? {
            var first: (key: String, time: WallClockInstant)? = nil
            for (key, v) in versions where !v.isDefault && v.time > limit && first.map({ key < $0.key }) ?? true {
                first = (key, v.time)
            }
            return first
        }
        if let stamps = payload.stamps, let (key, time) = firstAhead(stamps) {
            return ahead(time, "the version of '\(key)'")
        }
        guard let fieldStamps = payload.fieldStamps, fieldStamps.values.contains(where: { firstAhead($0) != nil })
        else { return nil }
        for (key, fields) in fieldStamps.sorted(by: { $0.key < $1.key }) {
            if let (field, time) = firstAhead(fields) { return ahead(time, "the version of '\(key).\(field)'") }
        }
        return nil
    }

    private func handle(_ m: SyncMessage) {
        statistics.receivedCounts[m.type.ordinal] += 1
        emit(.received(m))
        let now = monotonicNow
        if m.type == .tabClose {
            // Kept on this tab's monotonic time, with the epoch the tab left in: the goodbye's own
            // timestamp is the sender's word, and a forged one could hide a tab for good.
            peers.remove(m.tabId, now: now, epoch: m.payload?.epoch ?? epoch)
            answered.remove(m.tabId)
        } else {
            if let newcomer = m.payload?.targetId, newcomer != tabId,
                m.type == .tabPong || (m.type == .stateResponse && m.payload?.requestId != nil)
            {
                answered.noteAnswer(to: newcomer, requestId: m.payload?.requestId, now: now)
            }
            let tellsPriority =
                m.type == .tabPing || m.type == .tabPong || m.type == .leaderElection
                || m.type == .stateRequest || m.type == .stateRepair
            let rejoins = m.type == .stateRequest && m.payload?.requestId != nil
            let isNew = peers.heard(
                m.tabId, priority: tellsPriority ? m.payload?.priority : nil, now: now, rejoins: rejoins,
                specTab: m.version == nil)
            // A tab heard of for the first time hears back at once from the tab that answers its
            // state request (whichever of its messages arrived first); the others it hears at their
            // next TAB_PING. Every tab answering every newcomer made joins cost N² deliveries each;
            // a tab that saw another pong the newcomer leaves it to that one (tabs opening together).
            if isNew && m.type != .tabPong && !answered.wasPonged(m.tabId, now: now) && answersFor(m.tabId) {
                if !deferJoinAnswer(m, pong: true) { pong(m.tabId) }
            }
            if let theirs = m.payload?.config, peers.noteConfig(m.tabId, theirs, mine: fingerprint) {
                emit(.configurationDiffers(peer: m.tabId, theirs: theirs, mine: fingerprint))
                if !isEmitting {  // said by the event when someone observes; otherwise once in the log
                    config.logger.notice(
                        "\(tabId): tab \(m.tabId) syncs with another configuration (\(theirs), here \(fingerprint))"
                    )
                }
            }
            if m.type == .tabPong, m.payload?.targetId == tabId, let known = m.payload?.peers {
                for (id, priority) in known where id != tabId { peers.heard(id, priority: priority, now: now) }
            }
        }
        election?.noteEpoch(m.payload?.epoch)

        switch m.type {
        case .stateUpdate:
            antiEntropy.updated(m.payload?.keys ?? m.payload?.state.map { Array($0.keys) } ?? [], at: now)
            apply(m)
        case .stateResponse:
            let answersMe = m.payload?.targetId == tabId
            let joinAnswer = answersMe && m.payload?.requestId != nil && m.payload?.requestId == outstandingRequest
            // An answer split across frames ends the join with its last part.
            let lastPart = (m.payload?.remaining ?? 0) == 0
            antiEntropy.answerHeard(from: m.tabId, answersMe: answersMe, joinAnswer: joinAnswer, at: now)
            if config.conflictStrategy.converges {
                // Versions make any answer safe to apply, whoever asked: it changes only what it wins.
                apply(m)
            } else {
                guard answersMe else { return ignore(m, "answer for another tab") }
                guard joinAnswer else { return ignore(m, "request already answered") }
                apply(m)
            }
            if joinAnswer, lastPart {
                outstandingRequest = nil
                finishJoining()
            }
        case .stateRequest, .stateRepair:
            if let target = m.payload?.targetId {
                if let why = AntiEntropy.refusal(ofRequestTo: target, me: tabId, differs: peers.differs(m.tabId)) {
                    return ignore(m, why)
                }
            } else if let why = whyNotAnswer(m) {
                return ignore(m, why)
            } else if deferJoinAnswer(m, pong: false) {
                return
            }
            answer(m)
        case .tabPing, .tabPong:
            if let theirs = m.payload?.digest {
                let listed = m.payload?.unsettled ?? []  // mostly none: an idle channel's pings
                let request = antiEntropy.digestHeard(
                    theirs, excluding: listed.count > 1 ? listed.sorted() : listed, from: m.tabId, at: now,
                    converges: config.conflictStrategy.converges, differs: peers.differs(m.tabId), joining: isJoining,
                    mine: { excluded in digest(excluding: excluded) })
                if let request { carryOut(request) }
            }
        case .leaderElection:
            guard let election else { return ignore(m, "leader election is off") }
            election.receiveElection(from: m.tabId, priority: m.payload?.priority, epoch: m.payload?.epoch)
        case .leaderAnnounce, .heartbeat:
            guard let election else { return ignore(m, "leader election is off") }
            let leader = m.payload?.leaderId ?? m.tabId
            // A leader that said goodbye does not come back in the epoch it left (a heartbeat it sent
            // before the goodbye, arriving after it): only a new claim, in a later epoch, counts.
            if let left = peers.departure(of: leader, now: now), (m.payload?.epoch ?? 0) <= left.epoch {
                return ignore(m, "\(shortTabId(leader)) said goodbye in epoch \(left.epoch)")
            }
            // A spec tab's claim has no epoch (and maybe no priority): it is taken at the current
            // epoch, ordered by its creation time (from its election message, or its id).
            let specTab = m.payload?.epoch == nil
            let priority =
                m.payload?.priority ?? (specTab ? peers.priority(of: leader) ?? Self.creationTime(of: leader) : nil)
            if let why = election.receiveClaim(
                leaderId: leader, epoch: m.payload?.epoch ?? election.epoch, priority: priority, fromSpecTab: specTab)
            {
                ignore(m, why)
            }
        case .tabClose:
            election?.receiveGoodbye(from: m.tabId, successor: m.payload?.leaderId)
        }
    }

    /// Applies the state a message carries, as the receiver's filters and strategy decide: the
    /// document decides and records the versions, the store takes the values.
    private func apply(_ m: SyncMessage) {
        guard let payload = m.payload, var state = payload.state else { return }
        var offered = payload.keys ?? state.keys.sorted()
        // A spec tab lists keys it holds no value of (`broadcastState(['x'])` of an undefined x):
        // to it that is not a removal, which only this engine's tabs (with versions) can send.
        if m.version == nil, offered.contains(where: { state[$0] == nil }) {
            offered = offered.filter { state[$0] != nil }
        }
        let keys = acceptedKeys(offered)
        statistics.refusedKeys += offered.count - keys.count
        guard !keys.isEmpty else { return }
        // What follows sees only the accepted keys' values: a refused key beside a removal would
        // otherwise make the state look like exactly the accepted keys (one key each).
        if keys.count < offered.count { state = state.filter { keys.contains($0.key) } }
        let observed = isObserved
        let applied: VersionedDocument.Applied
        if config.conflictStrategy == .custom {
            guard let customResolver = config.customResolver else { return }
            // The resolver is the application's code: called before the document changes, never
            // while (it may read this tab's versions).
            let local = store.state
            let resolved = customResolver(local.filter { isSynced($0.key) }, state.filter { keys.contains($0.key) })
            applied = document.applyResolved(resolved, m, payload, state, keys: keys, values: local)
        } else if let common = document.applyUpdateOfSharedKeys(m, payload, state, keys: keys, observed: observed) {
            applied = common  // the common case needs no local values (reading them retains the store's)
        } else {
            applied = document.applyRemote(m, payload, state, keys: keys, values: store.state, observed: observed)
        }
        for decision in applied.decisions { emit(.resolved(decision)) }
        // Merge keeps pending local changes: what goes out is the merged value with every version.
        if config.conflictStrategy != .merge, !batcher.pendingKeys.isEmpty {
            batcher.discard(applied.set.keys)
            batcher.discard(applied.remove)
        }
        var changes: [KeyChange] = []
        swap(&changes, &changeBuffer)  // moved out, so that it stays uniquely referenced and is reused
        defer { changeBuffer = changes }
        // Keys in order only for those who look at them: sorting is a cost on every delivery.
        store.change(
            set: applied.set, remove: applied.remove, origin: .remote(tabId: m.tabId),
            sorted: observed || config.conflictStrategy == .custom, into: &changes)
        if m.type == .stateResponse, m.payload?.targetId == tabId { pushNewer(applied.newerHere, to: m.tabId) }
        guard !changes.isEmpty else { return }
        statistics.applied += 1
        guard isObserved else { return }
        // Usually every accepted key changed, listed in the same order: the accepted list then serves.
        let sameKeys = changes.count == keys.count && zip(changes, keys).allSatisfy { $0.key == $1 }
        let changed = sameKeys ? keys : changes.map(\.key)
        emit(.applied(from: m.tabId, keys: changed))
        config.onRemoteUpdate?(changed, m.tabId)
    }

    // MARK: - Answers and repair

    /// Arms the cooldown `AntiEntropy` asked for: a timer that reports its end.
    private func arm(_ cooldown: AntiEntropy.Cooldown) {
        repairCooldown = timers.schedule(afterMs: cooldown.ms) { [unowned self] in self.cooldownEnded(cooldown.id) }
        // A sync stopped meanwhile (by a callback on the way) schedules nothing: no cooldown runs.
        if !timers.isPending(repairCooldown) { antiEntropy.cooldownCancelled() }
    }

    private func cooldownEnded(_ id: Int) {
        let request = antiEntropy.cooldownEnded(
            id, at: monotonicNow, joining: isJoining, mine: { excluded in digest(excluding: excluded) })
        if let request { carryOut(request) }
    }

    /// Sends the request `AntiEntropy` decided: this tab's versions to `target`, which answers with
    /// the keys it holds newer values of. A STATE_REPAIR, not a STATE_REQUEST: a spec tab would
    /// answer that with a full-state broadcast.
    private func carryOut(_ request: AntiEntropy.Request) {
        arm(request.cooldown)
        var payload = versionsPayload()
        payload.targetId = request.target
        send(.stateRepair, payload)
    }

    /// The digest of this tab's synced versions without `excluded` (sorted keys).
    private func digest(excluding excluded: [String]) -> String {
        document.digest(excluding: excluded, values: store.state, revision: store.revision)
    }

    /// An answer to this tab showed that its sender (and whoever else applied it) lacks newer values
    /// this tab holds of `keys`: this tab sends them, as an answer to a repair request would, when
    /// `AntiEntropy.push` allows (at most once per peer per settle window). Only the tab an answer
    /// is for does so: every tab pushing back on every answer would cascade.
    private func pushNewer(_ keys: [String], to sender: String) {
        guard
            antiEntropy.push(
                keys, to: sender, at: monotonicNow, converges: config.conflictStrategy.converges,
                differs: peers.differs(sender))
        else { return }
        for part in parts(of: keys) {
            var payload = statePayload(part, implicit: document.ownDefault)
            payload.priority = priority
            payload.targetId = sender
            send(.stateResponse, payload)
        }
    }

    /// Why this tab leaves a state request to another (nil: it answers). One tab answers: the leader
    /// when there is one; otherwise the oldest live tab (the requester aside). A tab still joining
    /// answers only younger tabs. Answers that do not come are made up for by repair.
    private func whyNotAnswer(_ m: SyncMessage) -> String? {
        let requester = (m.payload?.priority ?? WallClockInstant(ms: .max), m.tabId)
        if isJoining, requester < (priority, tabId) { return "still joining; the requester is older" }
        if let id = m.payload?.requestId, answered.wasAnswered(m.tabId, requestId: id, now: monotonicNow) {
            return "another tab answered it"
        }
        return answersFor(m.tabId) ? nil : election?.leaderId != nil ? "the leader answers" : "an older tab answers"
    }

    private func pong(_ newcomer: String) {
        var pong = pingPayload()
        pong.targetId = newcomer
        let known = peers.live(now: monotonicNow, except: newcomer, limit: PeerTracker.maxListed)
        if !known.isEmpty { pong.peers = known }
        send(.tabPong, pong)
    }

    /// Holds a join answer for `joinAnswerDelayMs` when this tab, still joining and knowing no
    /// leader, would answer as the oldest tab it knows: tabs that open together all think so at
    /// first. False: answer now (not joining, a leader known, or the queue full).
    private func deferJoinAnswer(_ m: SyncMessage, pong: Bool) -> Bool {
        guard isJoining, election?.leaderId == nil, deferredAnswers.count < AnsweredNewcomers.maxEntries else {
            return false
        }
        deferredAnswers.append((m, pong))
        if deferredAnswerTimer == nil {
            deferredAnswerTimer = timers.schedule(afterMs: Self.joinAnswerDelayMs) { [unowned self] in
                self.deferredAnswerTimer = nil
                let held = self.deferredAnswers
                self.deferredAnswers = []
                for (m, pong) in held where self.isActive() {
                    if pong {
                        if !self.answered.wasPonged(m.tabId, now: self.monotonicNow), self.answersFor(m.tabId) {
                            self.pong(m.tabId)
                        }
                    } else if let why = self.whyNotAnswer(m) {
                        self.ignore(m, why)
                    } else {
                        self.answer(m)
                    }
                }
            }
        }
        return true
    }

    /// True when this tab is the one to answer `requester`: the leader it knows (unless that is the
    /// requester), or else the oldest live tab it knows besides the requester.
    private func answersFor(_ requester: String) -> Bool {
        if let leader = election?.leaderId, leader != requester { return leader == tabId }
        return !peers.hasOlderLive(than: (priority, tabId), except: requester, now: monotonicNow)
    }

    /// Answers a state request with the keys whose value here would change the requester's (all of
    /// them for a requester that sent no versions), and, when the requester holds newer values of
    /// some keys than this tab, asks it for them in turn.
    private func answer(_ m: SyncMessage) {
        var send: [String]
        var behind = false
        if let keys = m.payload?.keys, config.conflictStrategy.converges {
            let owner = KeyVersion(counter: 0, time: m.payload?.priority ?? m.timestamp, tabId: m.tabId)
            (send, behind) = document.differences(
                keys: Set(keys), stamps: m.payload?.stamps ?? [:], fields: m.payload?.fieldStamps ?? [:],
                owner: owner, values: store.state)
        } else {
            send = document.heldKeys(values: store.state)
        }
        let isJoinRequest = m.payload?.requestId != nil
        if isJoinRequest || !send.isEmpty {
            let split = parts(of: send)
            for (i, part) in split.enumerated() {
                var payload = statePayload(part, implicit: document.ownDefault)
                payload.priority = priority
                payload.requestId = m.payload?.requestId
                payload.targetId = m.tabId
                if split.count > 1 { payload.remaining = split.count - 1 - i }
                self.send(.stateResponse, payload)
            }
        }
        if behind,
            let request = antiEntropy.requesterHoldsNewer(
                m.tabId, at: monotonicNow, differs: peers.differs(m.tabId), joining: isJoining)
        {
            carryOut(request)
        }
    }

    /// The keys of `offered` this tab syncs (receiving or sending). Remembers the last answer: the
    /// same keys come again and again, and comparing two short arrays is cheaper than filtering again.
    private func acceptedKeys(_ offered: [String]) -> [String] {
        if keyFilter.acceptsAll { return offered }
        if !lastOffered.isEmpty, lastOffered == offered { return lastAccepted }
        return remember(offered)
    }

    /// `acceptedKeys` of a local change, without listing its keys when they are the remembered ones.
    private func acceptedKeys(of change: StoreChange) -> [String] {
        if keyFilter.acceptsAll { return change.changedKeys }
        if !lastOffered.isEmpty, lastOffered.elementsEqual(change.changes.lazy.map(\.key)) { return lastAccepted }
        return remember(change.changedKeys)
    }

    private func remember(_ offered: [String]) -> [String] {
        let accepted = offered.allSatisfy(isSynced) ? offered : offered.filter(isSynced)
        lastOffered = offered
        lastAccepted = accepted
        return accepted
    }

    /// True when someone looks at what was applied: an observer, the debug log or `onRemoteUpdate`.
    private var isObserved: Bool { isEmitting || config.onRemoteUpdate != nil }

    private func finishJoining() {
        timers.cancel(joinTimer)
        joinTimer = nil
        if batcher.isHeld { batcher.release() }
    }

    private func ignore(_ m: SyncMessage, _ reason: String) {
        statistics.ignored += 1
        emit(.ignored(m, reason: reason))
    }

    private func drop(_ reason: DropReason, _ detail: String, from sender: String?) {
        statistics.droppedCounts[reason.ordinal] += 1
        emit(.dropped(reason: reason, detail: detail, from: sender))
        // Never silent: with no observer and no debug lines, the first drop of each reason is a
        // warning in the log; the rest are counted (a hostile peer does not get to fill the log).
        if !isEmitting, statistics.droppedCounts[reason.ordinal] == 1 {
            let from = sender.map { " from \($0)" } ?? ""
            // The sender's id and the detail come from the peer: escaped, as every line a terminal may show.
            let line = "\(tabId): dropped \(reason.rawValue) frame\(from): \(detail)"
            config.logger.warning("\(TerminalText.escaped(line))")
        }
    }

    // MARK: - Roles and reporting

    private func roleChanged(_ change: RoleChange) {
        emit(.roleChanged(change))
        switch change.to {
        case .leader:
            report(.leader)
            for task in leaderTasks { task.resume() }
        case .follower, .candidate, .none:
            for task in leaderTasks { task.pause() }
            if change.to == .follower, change.leaderId != nil { report(.follower) }
        }
    }

    private func report(_ state: SyncState) {
        guard state != syncState else { return }
        syncState = state
        config.onSyncStateChange?(state)
    }

    private var isEmitting: Bool { observer != nil || config.debug }

    /// Builds the event only when someone looks: this is on every message's path.
    @inline(__always)
    private func emit(_ event: @autoclosure () -> SyncEvent) {
        guard isEmitting else { return }
        let event = event()
        observer?(event)
        if config.debug {
            config.logger.info("\(TerminalText.escaped(event.debugLine(tabId: tabId)))")
        }
    }
}

extension BroadcastSync {
    /// A tab's creation time from its id, `tab-<ms>-<random>` (the spec's form): how a spec tab
    /// that never said its priority is placed among claims of one epoch.
    static func creationTime(of tabId: String) -> WallClockInstant? {
        let parts = tabId.split(separator: "-", maxSplits: 2)
        guard parts.count == 3, parts[0] == "tab", let ms = Int(parts[1]), WireInteger.range.contains(ms) else {
            return nil
        }
        return WallClockInstant(ms: ms)
    }
}

/// The spec's `createBroadcastSync(store, config)`.
public func createBroadcastSync(
    _ store: Store, _ config: BroadcastSyncConfig,
    environment: SyncEnvironment
) throws(ConfigurationError) -> BroadcastSync {
    try BroadcastSync(store: store, config: config, environment: environment)
}
