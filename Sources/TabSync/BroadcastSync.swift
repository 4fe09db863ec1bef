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
    public let priority: Milliseconds
    public private(set) var statistics = Statistics()
    /// The last state reported through `onSyncStateChange`.
    public private(set) var syncState: SyncState = .disconnected

    let timers: TimerSet
    private let clock: any SyncClock
    private let transport: any SyncTransport
    private let observer: ((SyncEvent) -> Void)?
    private var endpoint: (any ChannelEndpoint)?
    private var subscription: StoreSubscription?
    private var peers: PeerTracker
    private var batcher: UpdateBatcher!
    private(set) var election: LeaderElection?
    private var localStamps = WriteStamps()
    private(set) var pingTimer: TimerHandle?
    private var joinTimer: TimerHandle?
    private var outstandingRequest: Int?
    private var nextRequestId = 0
    private var leaderTasks: [LeaderTask] = []
    private let keyFilter: KeyFilter
    /// The last key list `acceptedKeys` was asked about, and its answer (`remember`).
    private var lastOffered: [String] = []
    private var lastAccepted: [String] = []
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
        self.priority = environment.clock.nowMs
        var random = environment.random
        self.tabId = environment.tabId ?? "tab-\(environment.clock.nowMs)-\(random.alphanumeric(length: 6))"
        self.timers = TimerSet(scheduler: environment.scheduler)
        self.peers = PeerTracker(timeoutMs: config.effectiveTabTimeoutMs)
        self.keyFilter = KeyFilter(syncKeys: config.syncKeys, excludeKeys: config.excludeKeys)
        self.batcher = UpdateBatcher(
            throttleMs: config.throttleMs, debounceMs: config.debounceMs, timers: timers, clock: environment.clock
        ) { [unowned self] keys in self.sendUpdate(keys) }
        timers.owner = self
    }

    /// An instance dropped without `stop()` leaves nothing behind: no timer, no open endpoint, no
    /// subscription to a store that may live on.
    deinit {
        timers.cancelAll()
        endpoint?.close()
        if let subscription { store.unsubscribe(subscription) }
    }

    // MARK: - The spec's instance API

    /// Opens the channel, announces this tab and asks the others for their state. Does nothing when
    /// already active; when the transport is unavailable the instance stays inactive and reports
    /// `disconnected`.
    public func start() {
        guard endpoint == nil else { return }
        guard let ep = transport.open(
            channelName: config.channelName, ownerId: tabId, scheduler: timers.scheduler,
            onFrame: { [unowned self] frame in self.receive(frame) })
        else {
            emit(.unavailable)
            report(.disconnected)
            return
        }
        endpoint = ep
        timers.open()
        subscription = store.subscribe(localOnly: true) { [unowned self] change in self.storeChanged(change) }
        emit(.started)
        report(.connected)
        send(.tabPing, pingPayload())
        schedulePing()
        batcher.hold()
        requestState()
        joinTimer = timers.schedule(afterMs: config.joinTimeoutMs) { [unowned self] in self.finishJoining() }
        if config.enableLeaderElection, isActive() {   // a callback above may have stopped it already
            election = LeaderElection(
                me: .init(id: tabId, priority: priority), heartbeatMs: config.leaderHeartbeatMs,
                leaderTimeoutMs: config.effectiveLeaderTimeoutMs, electionTimeoutMs: config.electionTimeoutMs,
                timers: timers, clock: clock,
                send: { [unowned self] type, payload in self.send(type, payload) },
                onRoleChange: { [unowned self] change in self.roleChanged(change) })
            election?.start()
        }
    }

    /// Sends what is still pending, says goodbye (naming a successor when leading), cancels every
    /// timer and closes the channel. After it, nothing of this tab fires or sends.
    public func stop() {
        guard let ep = endpoint else { return }
        // Changes held during the join are defaults the others never agreed to: they are not sent.
        if !batcher.isHeld { batcher.flushNow() }
        var goodbye = election?.stop() ?? SyncMessage.Payload()
        if goodbye.epoch != nil { goodbye.leaderId = peers.oldestLive(now: clock.nowMs) }
        send(.tabClose, goodbye)
        election = nil
        for task in leaderTasks { task.pause() }
        timers.close()
        batcher.reset()
        if let subscription { store.unsubscribe(subscription) }
        subscription = nil
        ep.close()
        endpoint = nil
        peers.removeAll()
        outstandingRequest = nil
        emit(.stopped)
        report(.disconnected)
    }

    public func isActive() -> Bool { endpoint != nil }

    /// True while this tab leads. Always false when leader election is off.
    public func isLeader() -> Bool { election?.isLeader ?? false }

    public func getTabId() -> String { tabId }

    /// Asks the other tabs for their state. Every tab that has joined answers; the first
    /// STATE_RESPONSE to arrive for this request is applied (through the conflict strategy) and
    /// later answers to it are ignored. Tabs that start together converge on the oldest one's state.
    public func requestState() {
        guard isActive() else { return }
        nextRequestId += 1
        outstandingRequest = nextRequestId
        send(.stateRequest, SyncMessage.Payload(priority: priority, requestId: nextRequestId))
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
    public func getConnectedTabs() -> Int { peers.liveCount(now: clock.nowMs) }

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
    }

    /// The election role (`none` when election is off or the sync is stopped).
    public var role: ElectionRole { election?.role ?? .none }
    /// The current election epoch (term) of this tab; it never decreases while the sync runs.
    public var epoch: Int { election?.epoch ?? 0 }
    /// The leader this tab currently hears (itself when leading), if any.
    public var leaderId: String? { election?.leaderId }
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
        let stamp = WriteStamp(time: clock.nowMs, tabId: tabId)
        localStamps.record(keys, stamp)
        if let shouldSync = config.shouldSync, !shouldSync(change.previous, change.next) { return }
        if batcher.passesThrough() {
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
        // An update is itself stamped (its time, this tab): only keys written earlier need their own stamp.
        send(.stateUpdate, statePayload(keys, values: values, implicitStamp: WriteStamp(time: clock.nowMs, tabId: tabId)))
    }

    /// The values of `keys` with their write stamps, leaving out stamps equal to `implicitStamp`
    /// (the receiver assumes it), which is every key of an update sent as soon as it was made.
    private func statePayload(_ keys: [String], values: StateDocument? = nil,
                              implicitStamp: WriteStamp? = nil) -> SyncMessage.Payload {
        var state = values ?? StateDocument(minimumCapacity: keys.count)
        if values == nil {
            let current = store.state
            for key in keys { if let value = current[key] { state[key] = value } }
        }
        var stamps: [String: WriteStamp]? = nil
        // Keys just written together at this instant (an update sent at once) all carry the implicit stamp.
        let allImplicit = implicitStamp.map { localStamps.lastWrite(is: keys, stampedAt: $0) } ?? false
        for key in keys where !allImplicit {
            if let stamp = localStamps[key], stamp != implicitStamp {
                if stamps == nil { stamps = [:] }
                stamps?[key] = stamp
            }
        }
        return SyncMessage.Payload(state: state, keys: keys, stamps: stamps)
    }

    private func pingPayload() -> SyncMessage.Payload {
        SyncMessage.Payload(priority: priority, epoch: election.map { $0.highestTerm })
    }

    private func send(_ type: SyncMessageType, _ payload: SyncMessage.Payload) {
        guard let endpoint else { return }
        let message = SyncMessage(type: type, tabId: tabId, timestamp: clock.nowMs,
                                  payload: payload.isEmpty ? nil : payload)
        statistics.sentCounts[type.ordinal] += 1
        emit(.sent(message))
        endpoint.post(.message(message))
    }

    /// Timer actions hold the instance unowned and make one method call: the call keeps it alive
    /// to its end, even when a callback on the way lets go of it.
    private func schedulePing() {
        pingTimer = timers.schedule(afterMs: config.tabPingIntervalMs) { [unowned self] in self.pingDue() }
    }

    private func pingDue() {
        peers.prune(now: clock.nowMs)
        send(.tabPing, pingPayload())
        schedulePing()
    }

    // MARK: - Incoming

    private func receive(_ frame: ChannelFrame) {
        switch frame {
        case .message(let m):
            accept(m)   // used in place: binding it to a variable outside the switch would copy it
        case .json(let json):
            guard json.approximateByteCount <= config.maxMessageBytes else {
                return drop(.oversized, "about \(json.approximateByteCount) bytes, limit \(config.maxMessageBytes)", from: nil)
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
        if m.tabId == tabId { return (.forgedSender, "sender id is this tab's own id") }
        let state = m.payload?.state
        if let state {
            let (size, problem) = JSONValue.object(state).inspect()
            if size > config.maxMessageBytes { return (.oversized, "state of about \(size) bytes, limit \(config.maxMessageBytes)") }
            if let problem { return (.invalidValue, problem) }
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

    private func handle(_ m: SyncMessage) {
        statistics.receivedCounts[m.type.ordinal] += 1
        emit(.received(m))
        let now = clock.nowMs
        if m.type == .tabClose {
            peers.remove(m.tabId)
        } else {
            let isNew = peers.heard(m.tabId, priority: m.type == .tabPing || m.type == .tabPong || m.type == .leaderElection ? m.payload?.priority : nil, now: now)
            if isNew && m.type == .tabPing { send(.tabPong, pingPayload()) }
        }
        election?.noteTerm(m.payload?.epoch)

        switch m.type {
        case .stateUpdate:
            apply(m)
        case .stateResponse:
            if m.payload?.targetId != tabId { return ignore(m, "answer for another tab") }
            guard let id = m.payload?.requestId, id == outstandingRequest else { return ignore(m, "request already answered") }
            outstandingRequest = nil
            apply(m)
            finishJoining()
        case .stateRequest:
            // A tab still joining holds only its defaults. It answers younger tabs only, so that tabs
            // starting together converge on the oldest one's state instead of swapping defaults.
            if isJoining, (m.payload?.priority ?? .max, m.tabId) < (priority, tabId) {
                return ignore(m, "still joining; the requester is older")
            }
            let keys = store.state.keys.filter(isSynced).sorted()
            var payload = statePayload(keys)
            payload.requestId = m.payload?.requestId
            payload.targetId = m.tabId
            send(.stateResponse, payload)
        case .tabPing, .tabPong:
            break
        case .leaderElection:
            guard let election else { return ignore(m, "leader election is off") }
            election.receiveElection(from: m.tabId, priority: m.payload?.priority)
        case .leaderAnnounce, .heartbeat:
            guard let election else { return ignore(m, "leader election is off") }
            let leader = m.payload?.leaderId ?? m.tabId
            if let why = election.receiveClaim(leaderId: leader, term: m.payload?.epoch ?? 0, priority: m.payload?.priority) {
                ignore(m, why)
            }
        case .tabClose:
            election?.receiveGoodbye(from: m.tabId, successor: m.payload?.leaderId)
        }
    }

    /// Applies the state a message carries, as the receiver's filters and strategy decide.
    private func apply(_ m: SyncMessage) {
        guard let payload = m.payload, let state = payload.state else { return }
        let offered = payload.keys ?? state.keys.sorted()
        let keys = acceptedKeys(offered)
        statistics.refusedKeys += offered.count - keys.count
        guard !keys.isEmpty else { return }
        // An update is a write; an unstamped value in an answer to a state request is a default.
        let defaultStamp = m.type == .stateUpdate ? WriteStamp(time: m.timestamp, tabId: m.tabId) : nil
        var changes: [KeyChange] = []
        swap(&changes, &changeBuffer)   // moved out, so that it stays uniquely referenced and is reused
        defer { changeBuffer = changes }
        if config.conflictStrategy == .lastWriteWins {
            // The common case, kept free of intermediate dictionaries: it runs on every delivery.
            let set = keys.count == state.count ? state : state.filter { keys.contains($0.key) }
            let remove = keys.count == state.count ? [] : keys.filter { state[$0] == nil }
            // Keys in order only for those who look at them: sorting is a cost on every delivery.
            store.change(set: set, remove: remove, origin: .remote(tabId: m.tabId), sorted: isObserved, into: &changes)
            if payload.stamps == nil, changes.count == keys.count {
                localStamps.record(keys, defaultStamp)   // every key changed, all with the message's stamp
            } else {
                for change in changes { localStamps.record(change.key, payload.stamps?[change.key] ?? defaultStamp) }
            }
        } else {
            let incoming = IncomingState(keys: keys, state: state, stamps: payload.stamps ?? [:], defaultStamp: defaultStamp)
            let resolution = config.conflictStrategy.resolve(
                incoming, local: store.state, localStamps: localStamps,
                customResolver: config.customResolver, isSynced: isSynced)
            for (key, stamp) in resolution.stamps { localStamps.record(key, stamp) }
            store.change(set: resolution.set, remove: resolution.remove, origin: .remote(tabId: m.tabId), into: &changes)
        }
        guard !changes.isEmpty else { return }
        // A remote value now stands where a local change was waiting: sending it would echo it back as ours.
        if !batcher.pendingKeys.isEmpty { batcher.discard(changes.lazy.map(\.key)) }
        statistics.applied += 1
        guard isObserved else { return }
        // Usually every accepted key changed, listed in the same order: the accepted list then serves.
        let sameKeys = changes.count == keys.count && zip(changes, keys).allSatisfy { $0.key == $1 }
        let changed = sameKeys ? keys : changes.map(\.key)
        emit(.applied(from: m.tabId, keys: changed))
        config.onRemoteUpdate?(changed, m.tabId)
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
            config.logger.info("\(event.debugLine(tabId: tabId))")
        }
    }
}

/// The spec's `createBroadcastSync(store, config)`.
public func createBroadcastSync(_ store: Store, _ config: BroadcastSyncConfig,
                                environment: SyncEnvironment) throws(ConfigurationError) -> BroadcastSync {
    try BroadcastSync(store: store, config: config, environment: environment)
}
