#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOPosix
import TabSync

/// BroadcastChannel between processes of one user on one machine: a channel is a directory
/// (see `ChannelDirectory`), each open endpoint binds one Unix datagram socket in it, and a post
/// sends the frame to every other socket there. Frames are the spec's JSON; the frames posted in one
/// turn of the loop travel together, as few datagrams as the frame limit allows.
///
/// Everything runs on one NIO event loop, the engine's: open, post and close must be called on
/// it, and frames are handed to the engine on it. Not thread-safe, like the engine.
///
/// Delivery is at most once and in order per sender and receiver, as on a BroadcastChannel. Linux
/// queues few datagrams per socket (`net.unix.max_dgram_qlen`, 10 by default). No send ever blocks
/// the loop: a frame for a full queue waits in that receiver's NIO channel, and goes out when the
/// loop sees room (a connected datagram socket is writable when its receiver's queue has room); at
/// most `maxBacklog` frames wait per receiver, and frames beyond are lost and counted. A receiver
/// whose queue stays full, not one frame taken, for `giveUpMicroseconds` is given up: what waits
/// for it and its frames from then on are dropped and counted, but for one probe at most every
/// `probeMicroseconds`, until a frame from it arrives or a probe gets through. So a busy receiver
/// slows no one (its frames wait), and a stopped one costs its senders nothing but memory for
/// `maxBacklog` frames until it is given up (see `DatagramPeer`).
public final class UnixDatagramTransport: SyncTransport {
    /// The largest frame sent or received, in bytes of JSON: larger frames are dropped and counted
    /// (a datagram is one frame, and the kernel's default socket buffers hold about 200 KB).
    public static let defaultMaxFrameBytes = 64 * 1024

    /// What the transport did, for the tab's event stream and the tests.
    public struct Statistics: Sendable, Equatable {
        /// Datagrams sent, one per receiver (each may hold several frames).
        public internal(set) var sent = 0
        /// Frames received and handed to the engine (including the undecodable ones).
        public internal(set) var received = 0
        /// Received frames that were not JSON, handed on for the engine to drop as malformed.
        public internal(set) var undecodable = 0
        /// Received datagrams longer than the limit, dropped here unread.
        public internal(set) var oversizedReceived = 0
        /// Frames not sent because they were longer than the limit.
        public internal(set) var oversizedNotSent = 0
        /// Socket files of dead processes removed.
        public internal(set) var staleSocketsRemoved = 0
        /// Frames lost because a receiver's backlog was full, or the send failed otherwise.
        public internal(set) var lost = 0
        /// Times reading restarted after NIO closed it (an empty datagram, or a read error).
        public internal(set) var readerRestarts = 0
        /// Frames waiting now for room in a receiver's queue (or for its connection).
        public internal(set) var backlogged = 0
        /// Frames handed to a receiver's socket, probes included (each once: nothing is retried).
        public internal(set) var sendAttempts = 0
        /// Times a receiver was given up on, its queue full for `giveUpMicroseconds`.
        public internal(set) var peersGivenUp = 0
        /// Times a receiver given up on was heard from, or took a probe, and is sent to again.
        public internal(set) var peersResumed = 0
        /// Frames dropped unsent because their receiver was given up on (also counted in `lost`).
        public internal(set) var notSentToUnresponsive = 0
        /// Sockets in the channel's directory not sent to at the last listing, beyond `maxPeers`.
        public internal(set) var peersOverLimit = 0
        /// Frames posted and sent out, batched per turn of the loop (each counted once, whatever
        /// the receivers).
        public internal(set) var framesBatched = 0
        /// The datagrams they were packed in (each sent to every receiver).
        public internal(set) var datagramsPacked = 0
    }

    /// Notable things, one event each (sending and receiving are counted, not reported).
    public enum Event: Sendable {
        case opened(path: String)
        case staleSocketRemoved(path: String)
        case oversizedNotSent(bytes: Int)
        case oversizedReceived(bytes: Int)
        case lost(path: String, reason: String)
        /// The receiver at `path` was given up on; `dropped` frames of its backlog lost.
        case unresponsive(path: String, dropped: Int)
        /// The receiver at `path`, given up on, was heard from or took a probe: sent to again.
        case responsive(path: String)
        case receiveFailed(reason: String)
    }

    public let directory: ChannelDirectory
    public let eventLoop: any EventLoop
    public let maxFrameBytes: Int
    /// One datagram: the engine splits what it sends to fit.
    public var frameLimit: Int? { maxFrameBytes }
    /// Frames waiting for a receiver whose queue is full, at most.
    public let maxBacklog: Int
    /// The shortest time between two probes of a receiver given up on.
    public var probeMicroseconds: Int64 = 1_000_000
    /// How long a receiver's queue may stay full, not one frame taken, before it is given up on.
    public var giveUpMicroseconds: Int64 = 10_000_000
    public var observer: ((Event) -> Void)?
    public internal(set) var statistics = Statistics()
    /// Why the last `open` failed (the engine only learns that the channel is unavailable).
    public private(set) var lastError: (any Error)?

    /// Endpoints open in this process, by their directory: one opening tells the others at once.
    private var open: [ObjectIdentifier: OpenEndpoint] = [:]

    private struct OpenEndpoint {
        weak var endpoint: UnixDatagramEndpoint?
    }

    /// A transport on `eventLoop` (where it must then be used) for the channels in `directory`.
    public init(
        eventLoop: any EventLoop, directory: ChannelDirectory,
        maxFrameBytes: Int = defaultMaxFrameBytes, maxBacklog: Int = 4096
    ) {
        self.eventLoop = eventLoop
        self.directory = directory
        self.maxFrameBytes = maxFrameBytes
        self.maxBacklog = maxBacklog
    }

    public func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)? {
        do {
            return try openEndpoint(channelName: channelName, ownerId: ownerId, onFrame: onFrame)
        } catch {
            lastError = error
            return nil
        }
    }

    /// `open`, with the reason when it fails: the directory refused (`ChannelDirectoryError`) or
    /// the socket not bound (`LiveTransportError`).
    public func openEndpoint(
        channelName: String, ownerId: String,
        onFrame: @escaping (ChannelFrame) -> Void
    ) throws -> UnixDatagramEndpoint {
        eventLoop.preconditionInEventLoop()
        let channelPath = try directory.prepare(channelName: channelName)
        let path = channelPath + "/" + Self.socketName(ownerId: ownerId)
        guard path.utf8.count <= UnixSocket.maxPathBytes else {
            throw LiveTransportError(
                path: path,
                problem: "is longer than \(UnixSocket.maxPathBytes) bytes, "
                    + "the most a Unix socket path may hold: choose a shorter directory or channel name")
        }
        if UnixSocket.isStale(path) { removeStale(path) }
        let fd: CInt
        switch UnixSocket.bound(to: path) {
        case .success(let bound): fd = bound
        case .failure(let error):
            throw LiveTransportError(
                path: path,
                problem: error.code == EADDRINUSE
                    ? "is in use by another endpoint with the same id" : "cannot be bound: \(error)")
        }
        let endpoint = UnixDatagramEndpoint(
            transport: self, path: path, channelPath: channelPath, fd: fd, onFrame: onFrame)
        endpoint.startReading()
        endpoint.watchDirectory()
        for other in open.values { other.endpoint?.directoryChanged(channelPath) }
        open = open.filter { $0.value.endpoint != nil }
        open[ObjectIdentifier(endpoint)] = OpenEndpoint(endpoint: endpoint)
        observer?(.opened(path: path))
        return endpoint
    }

    /// An endpoint closed: the others of this process list their directory again.
    func closed(_ endpoint: UnixDatagramEndpoint) {
        open[ObjectIdentifier(endpoint)] = nil
        for other in open.values { other.endpoint?.directoryChanged(endpoint.channelPath) }
    }

    /// The socket file name of an endpoint: its owner's id, anything but letters, digits, `_` and
    /// `-` replaced by `_`, and `.sock`.
    static func socketName(ownerId: String) -> String {
        String(
            ownerId.unicodeScalars.map {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-".unicodeScalars.contains($0))
                    ? Character($0) : "_"
            }) + UnixDatagramEndpoint.socketSuffix
    }

    func removeStale(_ path: String) {
        guard UnixSocket.isSocketFile(path), unlink(path) == 0 else { return }
        statistics.staleSocketsRemoved += 1
        observer?(.staleSocketRemoved(path: path))
    }
}

/// An endpoint that could not be opened, naming the socket path and why.
public struct LiveTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "socket \(path) \(problem)" }
}
