import Logging
import NIOCore
import PostgresNIO
import TabSync

/// BroadcastChannel between machines: a channel is a PostgreSQL notification channel, each tab
/// holds one connection to the server that `LISTEN`s on it, and a post is `pg_notify(channel,
/// payload)`. The server delivers each notification to every session listening, the sender's
/// too (skipped by its endpoint id), in commit order (see `NotifyPayload` for the payloads, and
/// `ChunkReassembly` for frames over PostgreSQL's 8000-byte limit).
///
/// Everything runs on one NIO event loop, the engine's: the connection is made on it, so
/// notifications are handed to the engine on it. Open, post and close must be called on it.
///
/// `connect(channelName:)` makes the first connection before the engine starts, and fails (a
/// wrong password, no server) with a `PostgresTransportError`, never retried. Once connected, a
/// lost connection is a partition: the tab goes on alone, frames it posts meanwhile are dropped and
/// counted (`notSentDisconnected`), and it reconnects after `reconnectInitialMs`, twice as long
/// after each failed attempt up to `reconnectMaxMs` (each wait a random 50 to 100% of that, so a
/// classroom does not reconnect in step), LISTENs again, then calls `onRejoin` (where the engine's
/// `requestState()` belongs, so that repair and election proceed).
public final class PostgresTransport: SyncTransport {
    /// The largest frame sent or received, in bytes of JSON (9 notifications at most).
    public static let defaultMaxFrameBytes = 64 * 1024

    public struct Statistics: Sendable, Equatable {
        /// Frames posted and handed to the connection (one or more notifications each).
        public internal(set) var sent = 0
        /// Notifications sent: one per frame, or its chunks.
        public internal(set) var notificationsSent = 0
        /// Frames sent in more than one notification.
        public internal(set) var chunkedSent = 0
        /// Notifications received, the endpoint's own included.
        public internal(set) var notificationsReceived = 0
        /// The endpoint's own notifications, skipped.
        public internal(set) var ownSkipped = 0
        /// Frames handed to the engine (including undecodable ones).
        public internal(set) var received = 0
        /// Frames received in chunks and put together.
        public internal(set) var reassembled = 0
        /// Received frames that were not JSON (or not ours), handed on for the engine to drop.
        public internal(set) var undecodable = 0
        /// Frames dropped incomplete: timed out, evicted from the bounded buffer, or corrupt.
        public internal(set) var incompleteDropped = 0
        /// Frames not sent because they were longer than the limit.
        public internal(set) var oversizedNotSent = 0
        /// Frames posted while disconnected from the server, dropped.
        public internal(set) var notSentDisconnected = 0
        /// Notifications the server refused, or that the connection lost before it answered.
        public internal(set) var sendFailed = 0
        /// Connections lost.
        public internal(set) var disconnects = 0
        /// Connections made again after one was lost.
        public internal(set) var reconnects = 0
        /// Connection attempts that failed after the first connection.
        public internal(set) var reconnectFailures = 0
    }

    public enum Event: Sendable {
        /// Connected and listening (the first time).
        case connected(server: String, channel: String)
        /// The connection was lost: posts are dropped until `rejoined`.
        case disconnected(reason: String)
        /// The next connection attempt, in `delayMs`.
        case reconnecting(delayMs: Int, attempt: Int, lastError: String?)
        /// Connected and listening again, after `downMs` without.
        case rejoined(downMs: Int, notSent: Int)
        case oversizedNotSent(bytes: Int)
        case incompleteDropped(reason: String)
        case sendFailed(reason: String)
    }

    public let settings: PostgresSettings
    public let eventLoop: any EventLoop
    public let maxFrameBytes: Int
    public var reconnectInitialMs = 250
    public var reconnectMaxMs = 5000
    /// How long a frame may stay incomplete, and how many may at once (see `ChunkReassembly`).
    public var reassemblyTimeoutMs = 10_000
    public var maxPartialFrames = 64
    /// With nothing sent for this long, the endpoint asks the server something (`SELECT 1`); a
    /// request unanswered for `deadAfterMs` closes the connection, and reconnecting starts. (A
    /// server that vanishes without closing its connections would otherwise go unnoticed for the
    /// many minutes TCP takes to give up.)
    public var keepaliveMs = 5000
    public var deadAfterMs = 15_000
    public var observer: ((Event) -> Void)?
    /// Called on the loop after a reconnection: the tab should call its sync's `requestState()`.
    public var onRejoin: (() -> Void)?
    public internal(set) var statistics = Statistics()
    /// Why the last `open` failed.
    public private(set) var lastError: (any Error)?
    /// The one endpoint of this transport (one connection per tab).
    public private(set) var endpoint: PostgresEndpoint?
    /// postgres-nio's logs go nowhere: they could name the server's answers to our queries.
    let logger = Logger(label: "tabsync.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(eventLoop: any EventLoop, settings: PostgresSettings, maxFrameBytes: Int = defaultMaxFrameBytes) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.maxFrameBytes = maxFrameBytes
    }

    /// Checks a channel name: PostgreSQL's `LISTEN` takes an identifier, which postgres-nio
    /// writes in double quotes unescaped, so only names that need no escaping are taken: 1 to 63
    /// bytes (longer identifiers are cut short by the server) of letters, digits, `_`, `-` and `.`.
    public static func validate(channelName: String) throws {
        let allowed = channelName.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "_-.".utf8.contains($0)
        }
        guard allowed, (1...63).contains(channelName.utf8.count) else {
            throw PostgresTransportError(
                server: "",
                problem: "refused channel name \(JSONValue.string(channelName)): "
                    + "use 1 to 63 letters, digits, '_', '-' or '.'")
        }
    }

    /// Connects and LISTENs on `channelName` before the engine opens the channel (then `endpoint`
    /// is the connected endpoint): fails with a `PostgresTransportError` (naming the server without
    /// its password) and never retries. Must be called on the loop.
    public func connect(channelName: String) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        do {
            try Self.validate(channelName: channelName)
            let configuration = try settings.connectionConfiguration()
            let endpoint = PostgresEndpoint(transport: self, channelName: channelName, configuration: configuration)
            self.endpoint = endpoint
            return endpoint.connectFirst()
        } catch {
            lastError = error
            return eventLoop.makeFailedFuture(error)
        }
    }

    /// The endpoint `connect` made for this channel; without one, an endpoint that connects in
    /// the background (frames posted until it is connected are dropped and counted).
    public func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)? {
        eventLoop.preconditionInEventLoop()
        if let endpoint, endpoint.isOpen, endpoint.channelName == channelName, endpoint.onFrame == nil {
            endpoint.onFrame = onFrame
            return endpoint
        }
        do {
            try Self.validate(channelName: channelName)
            let endpoint = PostgresEndpoint(
                transport: self, channelName: channelName, configuration: try settings.connectionConfiguration())
            endpoint.onFrame = onFrame
            self.endpoint = endpoint
            endpoint.connectInBackground()
            return endpoint
        } catch {
            lastError = error
            return nil
        }
    }

    func report(_ event: Event) { observer?(event) }
}

/// The server could not be reached or refused us, or a setting is wrong: names the server by its
/// URL without the password, and the problem as the server or the network said it.
public struct PostgresTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let server: String
    public let problem: String

    public init(server: String, problem: String) {
        self.server = server
        self.problem = problem
    }

    /// From postgres-nio's error, whose own description says nothing on purpose: the server's
    /// message and SQLSTATE (`password authentication failed for user "teacher" (28P01)`), else
    /// the network's error. Never the query or the configuration, which could hold secrets.
    init(server: String, _ error: any Error) {
        self.server = server
        guard let error = error as? PSQLError else {
            problem = "\(error)"
            return
        }
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (\($0))" } ?? ""
            problem = message + state
        } else if error.code == .sslUnsupported {
            problem = "the server does not offer TLS, and sslmode asks for it"
        } else if let underlying = error.underlying {
            problem = "\(error.code): \(underlying)"
        } else {
            problem = "\(error.code)"
        }
    }

    public var description: String {
        server.isEmpty ? "PostgreSQL: \(problem)" : "PostgreSQL at \(server): \(problem)"
    }
}
