import NIOCore
import TabSync

/// One real tab: a sync on an event loop over the Unix datagram transport (or PostgreSQL's
/// LISTEN/NOTIFY), driven by `Command`s and reporting what happens as `Event`s (one JSON line each
/// for `tabsim tab --headless`). Everything of it runs on its loop, like the engine: create it, call
/// it and let it go there.
public final class LiveTab {
    /// The name it shows and announces in its pings (`payload.name`).
    public let name: String
    /// Its engine; call it on the loop only.
    public let sync: BroadcastSync
    /// Exactly one of the two: the socket directory, or a PostgreSQL server.
    public let transport: UnixDatagramTransport?
    /// The PostgreSQL transport, when the channel is on a server (then `transport` is nil).
    public let postgres: PostgresTransport?
    private let loop: any EventLoop
    private let verbose: Bool
    private let onEvent: (Event) -> Void
    /// Called once the tab should end: `quit`, end of input or a signal.
    public var onQuit: (() -> Void)?
    /// Every engine event, for an interactive pane's log (the `Event`s carry the same facts).
    public var onSyncEvent: ((SyncEvent) -> Void)?
    /// True once `quit` ran: no command runs after it.
    public private(set) var isQuitting = false
    /// The names other tabs announce in their pings, by id, to name the leader: at most
    /// `maxNames` (anyone on the channel can make up ids), forgotten on a tab's goodbye.
    private var names: [String: String] = [:]
    /// Announced names kept at most.
    public static let maxNames = 256

    /// What a tab is: its name, its channel and where the channel is, and its engine's settings.
    public struct Settings: Sendable {
        /// The name it shows and announces.
        public var name: String
        /// Its channel: a directory under `directory`, or a channel on the server.
        public var channelName: String
        /// Where channel directories live.
        public var directory: ChannelDirectory
        /// When set, the channel is on this PostgreSQL server instead of in `directory`.
        public var postgres: PostgresSettings?
        /// How a conflict is decided (`custom`: the remote value wins).
        public var strategy: ConflictStrategy = .lastWriteWins
        /// The leader's heartbeat; its timeout is three of them.
        public var heartbeatMs: Milliseconds = 1000
        /// At most one state update per interval (0: each change at once).
        public var throttleMs: Milliseconds = 100
        /// Elect a leader (`whileLeader` tasks, `forceLeader`).
        public var leaderElection = true
        /// Its state before it joins.
        public var initialState: StateDocument = [:]
        /// Report every message sent and received, and what was ignored and resolved, too.
        public var verbose = false

        /// Settings with the engine's defaults but for what is given.
        public init(
            name: String, channelName: String, directory: ChannelDirectory, postgres: PostgresSettings? = nil,
            strategy: ConflictStrategy = .lastWriteWins, heartbeatMs: Milliseconds = 1000,
            throttleMs: Milliseconds = 100, initialState: StateDocument = [:], verbose: Bool = false
        ) {
            self.name = name
            self.channelName = channelName
            self.directory = directory
            self.postgres = postgres
            self.strategy = strategy
            self.heartbeatMs = heartbeatMs
            self.throttleMs = throttleMs
            self.initialState = initialState
            self.verbose = verbose
        }
    }

    /// Must be called on `loop`. `onEvent` hears each event, on the loop. Throws when the
    /// settings make no valid engine configuration (naming the field).
    public init(_ settings: Settings, loop: any EventLoop, onEvent: @escaping (Event) -> Void) throws {
        self.name = settings.name
        self.loop = loop
        self.verbose = settings.verbose
        self.onEvent = onEvent
        let chosen: any SyncTransport
        if let server = settings.postgres {
            postgres = PostgresTransport(eventLoop: loop, settings: server)
            transport = nil
            chosen = postgres!
        } else {
            transport = UnixDatagramTransport(eventLoop: loop, directory: settings.directory)
            postgres = nil
            chosen = transport!
        }
        var config = BroadcastSyncConfig(channelName: settings.channelName)
        config.conflictStrategy = settings.strategy
        config.enableLeaderElection = settings.leaderElection
        config.leaderHeartbeatMs = settings.heartbeatMs
        config.throttleMs = settings.throttleMs
        config.tabName = settings.name
        if settings.strategy == .custom { config.customResolver = { _, remote in remote } }
        var report: ((SyncEvent) -> Void)?
        sync = try BroadcastSync(
            store: Store(settings.initialState), config: config,
            environment: .live(eventLoop: loop, transport: chosen) { report?($0) })
        report = { [unowned self] event in self.report(event) }
        transport?.observer = { [unowned self] event in self.report(event) }
        postgres?.observer = { [unowned self] event in self.report(event) }
        // Back from a partition: ask for the state, so that repair and election proceed.
        postgres?.onRejoin = { [unowned self] in self.sync.requestState() }
    }

    /// Opens the channel. Throws, naming the directory or socket, when the transport refused. Over
    /// PostgreSQL it connects first and starts the sync once connected; `onFailure` hears why not
    /// (the server named without its password).
    public func start(onFailure: @escaping (any Error) -> Void = { _ in }) throws {
        guard let postgres else {
            sync.start()
            if !sync.isActive() {
                throw transport?.lastError ?? LiveTransportError(path: sync.config.channelName, problem: "unavailable")
            }
            return
        }
        postgres.connect(channelName: sync.config.channelName).assumeIsolated().whenComplete { [self] result in
            guard !isQuitting else { return }  // quit while connecting: nothing failed
            if case .failure(let error) = result { return onFailure(error) }
            sync.start()
            if !sync.isActive() { onFailure(postgres.lastError ?? PostgresSettingsError("channel unavailable")) }
        }
    }

    // MARK: - Commands

    /// Performs one command: the one interpreter of a tab's commands, whether they came as a line of
    /// `tabsim tab --headless`'s input (`Command(parsing:)`) or from a key of its pane. A value the
    /// store refuses gets an `error` event naming it; nothing of the command is applied.
    public func perform(_ command: Command) {
        guard !isQuitting else { return }
        switch command {
        case .set(let partial):
            do { try sync.store.setState(partial) } catch { refuse("set: \(error)") }
        case .lead:
            sync.forceLeader()
        case .close:
            sync.stop()
        case .state:
            emitState()
        case .quit:
            quit()
        }
    }

    /// Reports a command that was refused before it could run (it did not parse, or its line was too
    /// long), as an `error` event: nothing of it ran.
    public func refuse(_ message: String) {
        emit(.error, ["message": .string(message)])
    }

    /// Says goodbye (when still open) and ends the tab.
    public func quit() {
        guard !isQuitting else { return }
        isQuitting = true
        sync.stop()
        postgres?.endpoint?.close()  // when the sync never opened it (still connecting)
        emit(.quit, [:])
        guard let endpoint = postgres?.endpoint else {
            onQuit?()
            return
        }
        // The goodbye is a query on its way to the server: wait for it, 2 s at most (a server gone).
        var ended = false
        let end = { [self] in
            if ended { return }
            ended = true
            onQuit?()
        }
        endpoint.closeFuture.assumeIsolated().whenComplete { _ in end() }
        loop.assumeIsolated().scheduleTask(in: .seconds(2)) { end() }
    }

    // MARK: - Events

    /// The answer to `.state`: the state, role, epoch, leader and counters (the engine's and the
    /// transport's).
    private func emitState() {
        let stats = sync.statistics
        var dropped: [String: JSONValue] = [:]
        for (reason, count) in stats.dropped { dropped[reason.rawValue] = .number(Double(count)) }
        emit(
            .state,
            [
                "tabId": .string(sync.tabId), "name": .string(name), "state": .object(sync.store.state),
                "role": .string(sync.role.rawValue), "epoch": .number(Double(sync.epoch)),
                "leader": sync.leaderId.map { .string($0) } ?? .null, "active": .bool(sync.isActive()),
                "connected": .number(Double(sync.getConnectedTabs())),
                "sent": .number(Double(stats.sentTotal)), "received": .number(Double(stats.receivedTotal)),
                "applied": .number(Double(stats.applied)), "dropped": .object(dropped),
                "transport": .object(transportStatistics),
            ])
    }

    private var transportStatistics: [String: JSONValue] {
        if let p = postgres?.statistics {
            return [
                "sent": .number(Double(p.sent)), "received": .number(Double(p.received)),
                "notificationsSent": .number(Double(p.notificationsSent)),
                "chunkedSent": .number(Double(p.chunkedSent)),
                "notificationsReceived": .number(Double(p.notificationsReceived)),
                "ownSkipped": .number(Double(p.ownSkipped)), "reassembled": .number(Double(p.reassembled)),
                "undecodable": .number(Double(p.undecodable)),
                "incompleteDropped": .number(Double(p.incompleteDropped)),
                "oversizedNotSent": .number(Double(p.oversizedNotSent)),
                "notSentDisconnected": .number(Double(p.notSentDisconnected)),
                "sendFailed": .number(Double(p.sendFailed)), "disconnects": .number(Double(p.disconnects)),
                "reconnects": .number(Double(p.reconnects)), "reconnectFailures": .number(Double(p.reconnectFailures)),
                "connected": .bool(postgres?.endpoint?.isConnected ?? false),
            ]
        }
        guard let t = transport?.statistics else { return [:] }
        return [
            "sent": .number(Double(t.sent)), "received": .number(Double(t.received)),
            "undecodable": .number(Double(t.undecodable)),
            "oversizedReceived": .number(Double(t.oversizedReceived)),
            "oversizedNotSent": .number(Double(t.oversizedNotSent)),
            "staleSocketsRemoved": .number(Double(t.staleSocketsRemoved)), "lost": .number(Double(t.lost)),
            "sendAttempts": .number(Double(t.sendAttempts)), "peersGivenUp": .number(Double(t.peersGivenUp)),
            "peersResumed": .number(Double(t.peersResumed)),
            "notSentToUnresponsive": .number(Double(t.notSentToUnresponsive)),
        ]
    }

    /// The leader by the name it announces (its short id until heard), nil while there is none.
    public var leaderName: String? {
        sync.leaderId.map { $0 == sync.tabId ? name : names[$0] ?? shortTabId($0) }
    }

    private func noteName(_ m: SyncMessage) {
        if m.type == .tabClose { names[m.tabId] = nil }
        guard let announced = m.payload?.name, names[m.tabId] != announced else { return }
        if names[m.tabId] == nil, names.count >= Self.maxNames { names.remove(at: names.startIndex) }
        names[m.tabId] = announced
    }

    private func report(_ event: SyncEvent) {
        onSyncEvent?(event)
        if case .received(let m) = event { noteName(m) }
        switch event {
        case .started:
            emit(
                .started,
                [
                    "tabId": .string(sync.tabId), "name": .string(name),
                    "channel": .string(sync.config.channelName),
                ])
        case .stopped: emit(.stopped, [:])
        case .unavailable: break  // start() throws with the reason
        case .localChange: break  // the page's own write: not news to whoever reads this tab's lines
        case .configurationDiffers(let peer, let theirs, let mine):
            emit(.configurationDiffers, ["peer": .string(peer), "theirs": .string(theirs), "mine": .string(mine)])
        case .roleChanged(let change):
            emit(
                .role,
                [
                    "role": .string(change.to.rawValue), "from": .string(change.from.rawValue),
                    "epoch": .number(Double(change.epoch)),
                    "leader": change.leaderId.map { .string($0) } ?? .null,
                    "reason": .string(change.reason.rawValue),
                ])
        case .applied(let from, let keys):
            emit(
                .applied,
                [
                    "from": .string(from), "keys": .array(keys.map { .string($0) }),
                    "state": .object(sync.store.state),
                ])
        case .dropped(let reason, let detail, let from):
            emit(
                .dropped,
                [
                    "reason": .string(reason.rawValue), "detail": .string(detail),
                    "from": from.map { .string($0) } ?? .null,
                ])
        case .ignored(let message, let reason):
            guard verbose else { return }
            emit(
                .ignored,
                [
                    "type": .string(message.type.rawValue), "from": .string(message.tabId),
                    "reason": .string(reason),
                ])
        case .sent(let message):
            guard verbose else { return }
            emit(.sent, ["message": message.json])
        case .received(let message):
            guard verbose else { return }
            emit(.received, ["message": message.json])
        case .resolved(let decision):
            guard verbose else { return }
            emit(
                .resolved,
                [
                    "key": .string(decision.key), "kept": .bool(decision.kept),
                    "line": .string(event.debugText),
                ])
        }
    }

    private func report(_ event: UnixDatagramTransport.Event) {
        switch event {
        case .opened(let path): emit(.socket, ["path": .string(path)])
        case .staleSocketRemoved(let path): emit(.staleSocketRemoved, ["path": .string(path)])
        case .oversizedNotSent(let bytes):
            let detail = "\(bytes) bytes not sent, limit \(UnixDatagramTransport.defaultMaxFrameBytes)"
            emit(.dropped, ["reason": "oversized", "detail": .string(detail), "from": .string(sync.tabId)])
        case .oversizedReceived(let bytes):
            let detail =
                "datagram longer than the limit, \(UnixDatagramTransport.defaultMaxFrameBytes) bytes (read \(bytes))"
            emit(.dropped, ["reason": "oversized", "detail": .string(detail), "from": .null])
        case .lost(let path, let reason): emit(.lost, ["path": .string(path), "reason": .string(reason)])
        case .unresponsive(let path, let dropped):
            emit(.unresponsive, ["path": .string(path), "dropped": .number(Double(dropped))])
        case .responsive(let path): emit(.responsive, ["path": .string(path)])
        case .receiveFailed(let reason): refuse("receive failed: \(reason)")
        }
    }

    /// PostgreSQL's events: the connection's ups and downs, by name, and what it dropped.
    private func report(_ event: PostgresTransport.Event) {
        switch event {
        case .connected(let server, let channel):
            emit(.connected, ["server": .string(server), "channel": .string(channel)])
        case .disconnected(let reason):
            emit(.disconnected, ["reason": .string(reason)])
        case .reconnecting(let delayMs, let attempt, let lastError):
            emit(
                .reconnecting,
                [
                    "delayMs": .number(Double(delayMs)), "attempt": .number(Double(attempt)),
                    "lastError": lastError.map { .string($0) } ?? .null,
                ])
        case .rejoined(let downMs, let notSent):
            emit(.rejoined, ["downMs": .number(Double(downMs)), "notSent": .number(Double(notSent))])
        case .oversizedNotSent(let bytes):
            let detail = "\(bytes) bytes not sent, limit \(PostgresTransport.defaultMaxFrameBytes)"
            emit(.dropped, ["reason": "oversized", "detail": .string(detail), "from": .string(sync.tabId)])
        case .incompleteDropped(let reason):
            emit(.dropped, ["reason": "incomplete", "detail": .string(reason), "from": .null])
        case .sendFailed(let reason):
            emit(.lost, ["path": .string(sync.config.channelName), "reason": .string(reason)])
        }
    }

    private func emit(_ kind: Event.Kind, _ fields: [String: JSONValue]) {
        var fields = fields
        fields["time"] = .number(Double(WallClock().wallNow.ms))
        onEvent(Event(kind, fields))
    }
}
