#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import TabSync

/// A passive observer of a real channel: it binds a socket in the channel's directory (or listens
/// on a PostgreSQL server) and never sends. Each frame heard goes to `onFrame` with the monotonic
/// and wall-clock times it arrived; what to make of them (`tabsim watch` keeps a `ChannelWatch`) is
/// the caller's. Everything of it runs on its loop.
public final class ChannelWatcher {
    /// The channel it is bound to, once opened (a PostgreSQL one once connected).
    public private(set) var endpoint: (any ChannelEndpoint)?
    /// The loop it runs on.
    public let loop: any EventLoop
    /// Hears each frame, with the monotonic milliseconds (`monotonicMs()`) and the wall-clock
    /// milliseconds it arrived at.
    public var onFrame: (_ frame: ChannelFrame, _ monotonicMs: Milliseconds, _ wallMs: Milliseconds) -> Void
    /// Hears what it has to say: where it listens, and a PostgreSQL connection's ups and downs.
    public var onNote: (String) -> Void = { _ in }

    /// Must be called on `loop`.
    public init(
        loop: any EventLoop,
        onFrame: @escaping (_ frame: ChannelFrame, _ monotonicMs: Milliseconds, _ wallMs: Milliseconds) -> Void
    ) {
        self.loop = loop
        self.onFrame = onFrame
    }

    /// The id it binds under: never a tab's (`watch-<pid>`).
    public static var ownerId: String { "watch-\(getpid())" }

    /// Binds to `channelName` in `directory`, and says where (`watching PATH`). Throws, naming the
    /// directory or socket, when it cannot.
    public func open(_ directory: ChannelDirectory, channelName: String) throws {
        let transport = UnixDatagramTransport(eventLoop: loop, directory: directory)
        let opened = try transport.openEndpoint(channelName: channelName, ownerId: Self.ownerId) {
            [unowned self] in heard($0)
        }
        endpoint = opened
        onNote("watching \(opened.path)")
    }

    /// Listens on `channelName` on a PostgreSQL server (never notifying); `onFailure` hears why not.
    /// Its connection's ups and downs are notes too.
    public func listen(_ server: PostgresSettings, channelName: String, onFailure: @escaping (any Error) -> Void) {
        let transport = PostgresTransport(eventLoop: loop, settings: server)
        transport.observer = { [unowned self] event in onNote("postgres: \(event)") }
        transport.connect(channelName: channelName).assumeIsolated().whenComplete { [self] result in
            if case .failure(let error) = result { return onFailure(error) }
            endpoint = transport.open(
                channelName: channelName, ownerId: Self.ownerId, scheduler: EventLoopScheduler(eventLoop: loop)
            ) { [unowned self] in heard($0) }
            onNote("watching \(server) channel \(channelName)")
        }
    }

    /// Unbinds (its socket file is removed); nothing is heard after.
    public func close() {
        endpoint?.close()
    }

    private func heard(_ frame: ChannelFrame) {
        onFrame(frame, Self.monotonicMs(), WallClock().wallNow.ms)
    }

    /// Monotonic milliseconds, the time base of a watch's silences (a wall clock can jump).
    public static func monotonicMs() -> Milliseconds { Milliseconds(NIODeadline.now().uptimeNanoseconds / 1_000_000) }
}
