import NIOCore
import PostgresNIO
import TabSync

/// One tab's end of a PostgreSQL channel: its connection, which LISTENs on the channel, and
/// which it makes again when lost (see `PostgresTransport` for the policy). Loop-confined.
public final class PostgresEndpoint: ChannelEndpoint {
    public let channelName: String
    /// Prefixes every payload this endpoint sends, so that it can skip its own.
    public let endpointId: String
    public private(set) var isOpen = true
    /// Connected and listening now.
    public var isConnected: Bool { if case .connected = state { true } else { false } }
    var onFrame: ((ChannelFrame) -> Void)?
    /// Requests sent and not yet answered (notifications, LISTEN, keepalives): a sender that
    /// outruns the server can wait while this is high.
    public var inFlight: Int { pendingRequests }

    private enum State {
        case connecting
        case connected(PostgresConnection)
        case waiting(Scheduled<Void>)
        case closed
    }

    private let transport: PostgresTransport
    private let configuration: PostgresConnection.Configuration
    private var loop: any EventLoop { transport.eventLoop }
    private var state = State.connecting
    /// Fulfilled by the first connection; while set, a failure is final.
    private var firstConnection: EventLoopPromise<Void>?
    private var attempts = 0
    private var lastAttemptError: String?
    private var downSince: NIODeadline?
    private var notSentAtDisconnect = 0
    private var nextFrame: UInt64 = 0
    private var reassembly: ChunkReassembly
    private var expiry: Scheduled<Void>?
    private var keepalive: Scheduled<Void>?
    /// Requests sent and not yet answered, the time of the last answer (or first request after
    /// none was pending), and of the last request: what the keepalive judges the connection by.
    private var pendingRequests = 0
    private var lastProgress = NIODeadline.now()
    private var lastRequest = NIODeadline.now()
    /// The last request's answer: closing waits for it, so a goodbye posted just before goes out.
    private var lastReply: EventLoopFuture<Void>?
    private let closed: EventLoopPromise<Void>

    init(transport: PostgresTransport, channelName: String, configuration: PostgresConnection.Configuration) {
        self.transport = transport
        self.channelName = channelName
        self.configuration = configuration
        endpointId = String(UInt64.random(in: .min ... .max) | (1 << 63), radix: 16)
        reassembly = ChunkReassembly(
            maxPartialFrames: transport.maxPartialFrames, maxFrameBytes: transport.maxFrameBytes,
            timeout: .milliseconds(Int64(transport.reassemblyTimeoutMs)))
        closed = transport.eventLoop.makePromise()
    }

    /// Completes once the endpoint is closed and its connection with it (after its last post went out).
    public var closeFuture: EventLoopFuture<Void> { closed.futureResult }

    // MARK: - Connecting

    func connectFirst() -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        firstConnection = promise
        attempt()
        return promise.futureResult
    }

    func connectInBackground() {
        downSince = .now()
        attempt()
    }

    private func attempt() {
        state = .connecting
        attempts += 1
        PostgresConnection.connect(on: loop, configuration: configuration, id: attempts, logger: transport.logger)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let connection): listen(on: connection)
                case .failure(let error): failed(error)
                }
            }
    }

    /// Registers the listener, then LISTENs itself: postgres-nio sends its own LISTEN for the
    /// listener (the two run in order, and a second LISTEN is harmless), but only ours reports an
    /// error. Once it is answered, notifications flow.
    private func listen(on connection: PostgresConnection) {
        guard isOpen else { return abandon(connection) }
        let bound = NIOLoopBound(self, eventLoop: loop)
        let connectionId = ObjectIdentifier(connection)
        connection.addListener(channel: channelName) { _, notification in
            bound.value.heard(notification, on: connectionId)
        }
        let listen = PostgresQuery(unsafeSQL: "LISTEN \"\(channelName)\"")  // validated: nothing to escape
        connection.query(listen, logger: transport.logger).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success: listening(on: connection)
            case .failure(let error):
                _ = Self.close(connection)
                failed(error)
            }
        }
    }

    private func listening(on connection: PostgresConnection) {
        guard isOpen else { return abandon(connection) }
        state = .connected(connection)
        attempts = 0
        pendingRequests = 0
        lastProgress = .now()
        lastRequest = .now()
        connection.closeFuture.assumeIsolated().whenComplete { [self] _ in lost(connection) }
        startKeepalive(connection)
        if let promise = firstConnection {
            firstConnection = nil
            transport.report(.connected(server: transport.settings.description, channel: channelName))
            promise.succeed()
        } else {
            let downMs = downSince.map { Int((NIODeadline.now() - $0).nanoseconds / 1_000_000) } ?? 0
            transport.statistics.reconnects += 1
            transport.report(
                .rejoined(downMs: downMs, notSent: transport.statistics.notSentDisconnected - notSentAtDisconnect))
            transport.onRejoin?()
        }
        downSince = nil
    }

    /// Closed while connecting: the connection just made (if any) is closed, and whoever waits hears so.
    private func abandon(_ connection: PostgresConnection?) {
        state = .closed
        let closed = self.closed
        if let connection { Self.close(connection).whenComplete { _ in closed.succeed() } } else { closed.succeed() }
        firstConnection?.fail(PostgresTransportError(server: transport.settings.description, problem: "closed"))
        firstConnection = nil
    }

    private func failed(_ error: any Error) {
        let failure = PostgresTransportError(server: transport.settings.description, error)
        if let promise = firstConnection {
            firstConnection = nil
            isOpen = false
            state = .closed
            closed.succeed()
            promise.fail(failure)
            return
        }
        guard isOpen else { return abandon(nil) }
        transport.statistics.reconnectFailures += 1
        lastAttemptError = failure.problem
        scheduleAttempt()
    }

    private func lost(_ connection: PostgresConnection) {
        keepalive?.cancel()
        keepalive = nil
        guard case .connected(let current) = state, current === connection else { return }
        guard isOpen else {
            state = .closed
            return closed.succeed()
        }
        transport.statistics.disconnects += 1
        downSince = .now()
        notSentAtDisconnect = transport.statistics.notSentDisconnected
        lastAttemptError = nil
        transport.report(.disconnected(reason: "the connection to the server closed; posts are dropped until back"))
        scheduleAttempt()
    }

    /// Waits `reconnectInitialMs`, doubled per failed attempt up to `reconnectMaxMs`, times a random 0.5 to 1.
    private func scheduleAttempt() {
        let doubled = transport.reconnectInitialMs << min(attempts, 20)
        let delayMs = Int(Double(min(doubled, transport.reconnectMaxMs)) * Double.random(in: 0.5...1))
        transport.report(.reconnecting(delayMs: delayMs, attempt: attempts + 1, lastError: lastAttemptError))
        state = .waiting(
            loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(delayMs))) { [self] in
                if isOpen { attempt() }
            })
    }

    /// Every `keepaliveMs`: a connection whose oldest request has waited `deadAfterMs` is closed
    /// (which starts reconnecting); one idle for `keepaliveMs` is asked `SELECT 1`.
    private func startKeepalive(_ connection: PostgresConnection) {
        let every = TimeAmount.milliseconds(Int64(transport.keepaliveMs))
        keepalive = loop.assumeIsolated().scheduleTask(in: every) { [self] in
            keepalive = nil
            guard isOpen, case .connected(let current) = state, current === connection else { return }
            let now = NIODeadline.now()
            if pendingRequests > 0, now - lastProgress >= .milliseconds(Int64(transport.deadAfterMs)) {
                _ = Self.close(connection)
                return
            }
            if pendingRequests == 0, now - lastRequest >= every { request("SELECT 1", on: connection) { _ in } }
            startKeepalive(connection)
        }
    }

    /// postgres-nio's close, the future one (an async one has the same name).
    private static func close(_ connection: PostgresConnection) -> EventLoopFuture<Void> {
        connection.close()
    }

    // MARK: - Sending

    public func post(_ frame: ChannelFrame) {
        guard isOpen else { return }
        let bytes = frame.jsonBytes
        guard bytes.count <= transport.maxFrameBytes else {
            transport.statistics.oversizedNotSent += 1
            transport.report(.oversizedNotSent(bytes: bytes.count))
            return
        }
        guard case .connected(let connection) = state else {
            transport.statistics.notSentDisconnected += 1
            return
        }
        nextFrame += 1
        let payloads = NotifyPayload.split(bytes, sender: endpointId, frame: nextFrame)
        transport.statistics.sent += 1
        if payloads.count > 1 { transport.statistics.chunkedSent += 1 }
        for payload in payloads {
            transport.statistics.notificationsSent += 1
            request("SELECT pg_notify(\(channelName), \(payload))", on: connection) { [self] error in
                transport.statistics.sendFailed += 1
                transport.report(.sendFailed(reason: PostgresTransportError(server: "", error).problem))
            }
        }
    }

    private func request(
        _ query: PostgresQuery, on connection: PostgresConnection, onFailure: @escaping (any Error) -> Void
    ) {
        if pendingRequests == 0 { lastProgress = .now() }
        pendingRequests += 1
        lastRequest = .now()
        let reply = connection.query(query, logger: transport.logger).map { _ in }
        lastReply = reply
        reply.assumeIsolated().whenComplete { [self] result in
            pendingRequests -= 1
            lastProgress = .now()
            if case .failure(let error) = result, isOpen { onFailure(error) }
        }
    }

    // MARK: - Receiving

    private func heard(_ notification: PostgresMessage.NotificationResponse, on connectionId: ObjectIdentifier) {
        guard isOpen, case .connected(let current) = state, ObjectIdentifier(current) == connectionId else { return }
        transport.statistics.notificationsReceived += 1
        guard let (header, data) = NotifyPayload.parse(notification.payload) else {
            return deliver(Array(notification.payload.utf8))  // not ours: the engine drops it, counted
        }
        if header.sender == endpointId {
            transport.statistics.ownSkipped += 1
            return
        }
        if header.count == 1 { return deliver(Array(data)) }
        switch reassembly.add(header, data, from: notification.backendPID, now: .now()) {
        case .complete(let bytes):
            transport.statistics.reassembled += 1
            deliver(bytes)
        case .pending:
            scheduleExpiry()
        case .dropped(let reason):
            transport.statistics.incompleteDropped += 1
            transport.report(.incompleteDropped(reason: reason))
        }
    }

    private func deliver(_ bytes: [UInt8]) {
        transport.statistics.received += 1
        let (frame, isJSON) = ChannelFrame.reading(bytes)
        if !isJSON { transport.statistics.undecodable += 1 }
        onFrame?(frame)
    }

    /// One timer at a time, at the oldest incomplete frame's deadline.
    private func scheduleExpiry() {
        guard expiry == nil, let due = reassembly.nextExpiry else { return }
        expiry = loop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            expiry = nil
            let before = reassembly.droppedFrames
            let expired = reassembly.expire(now: .now())
            if expired > 0 {
                transport.statistics.incompleteDropped += reassembly.droppedFrames - before
                transport.report(.incompleteDropped(reason: "\(expired) frame(s) incomplete after the timeout"))
            }
            scheduleExpiry()
        }
    }

    // MARK: - Closing

    /// Closes the endpoint: nothing more is delivered; the connection closes once the last post
    /// is answered (so a goodbye posted just before goes out), then `closeFuture` completes.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        expiry?.cancel()
        expiry = nil
        keepalive?.cancel()
        keepalive = nil
        reassembly.removeAll()
        switch state {
        case .connected(let connection):
            let drained = lastReply ?? loop.makeSucceededVoidFuture()
            drained.assumeIsolated().whenComplete { _ in _ = Self.close(connection) }
        case .waiting(let task):
            task.cancel()
            state = .closed
            closed.succeed()
        case .connecting, .closed:
            break  // the attempt under way completes `closed` when it ends
        }
    }
}
