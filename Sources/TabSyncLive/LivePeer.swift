import NIOCore
import TabSync

/// The peer of `LiveRoundTrips`, in its own process: answers each `ping` with the same `pong`,
/// counts the `seq` updates it applies and answers `end` with that count as `done`.
public final class LivePeer {
    /// The settings of both ends: throttle off, so that every update is one frame.
    public static var config: BroadcastSyncConfig {
        var config = BroadcastSyncConfig(channelName: "bench-live")
        config.throttleMs = 0
        return config
    }

    /// The bench's transport at `venue`, on `loop`.
    public static func transport(_ venue: LiveVenue, loop: any EventLoop) -> any SyncTransport {
        switch venue {
        case .directory(let root): UnixDatagramTransport(eventLoop: loop, directory: ChannelDirectory(root: root))
        case .postgres(let server): PostgresTransport(eventLoop: loop, settings: server)
        }
    }

    /// Connects first over PostgreSQL (`done` hears why not); at once in a directory.
    public static func connect(_ transport: any SyncTransport, _ done: @escaping ((any Error)?) -> Void) {
        guard let postgres = transport as? PostgresTransport else { return done(nil) }
        postgres.connect(channelName: config.channelName).assumeIsolated().whenComplete { result in
            if case .failure(let error) = result { done(error) } else { done(nil) }
        }
    }

    /// Its engine.
    public let sync: BroadcastSync
    private let transport: any SyncTransport
    private var applied = 0

    /// Must be called on `loop`.
    public init(venue: LiveVenue, loop: any EventLoop) throws {
        transport = Self.transport(venue, loop: loop)
        sync = try BroadcastSync(
            store: Store(), config: Self.config, environment: .live(eventLoop: loop, transport: transport))
        _ = sync.store.subscribe { [unowned self] change in
            guard case .remote = change.origin else { return }
            if change.changedKeys.contains("seq") { applied += 1 }
            if change.changedKeys.contains("ping"), let ping = change.next["ping"] {
                try? sync.store.setState(["pong": ping])
            }
            if change.changedKeys.contains("end") {
                try? sync.store.setState(["done": .number(Double(applied))])
            }
        }
    }

    /// Connects (over PostgreSQL) and starts; `ready` hears nil once it listens, or why it cannot.
    public func start(_ ready: @escaping ((any Error)?) -> Void) {
        Self.connect(transport) { [self] error in
            if let error { return ready(error) }
            sync.start()
            ready(nil)
        }
    }

    /// Says goodbye and closes the channel.
    public func stop() { sync.stop() }
}
