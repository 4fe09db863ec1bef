#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOPosix
import TabSync

/// One open end of a channel: a socket file in the channel's directory. It receives through NIO,
/// and sends to each other socket there through a `DatagramPeer` (a connected NIO datagram channel
/// of its own, so that one receiver's failure or full queue is that receiver's alone).
///
/// Who is there is read from the directory, and read again only after it changed: an inotify watch
/// on the directory (read on the loop) says when a socket was created or removed, an endpoint
/// opened in this process says so at once, and a frame from a sender not listed makes the next
/// post look again. No post costs a system call beyond its sends. At most `maxPeers` receivers are
/// sent to; sockets beyond are counted (`peersOverLimit`) and not sent to.
public final class UnixDatagramEndpoint: ChannelEndpoint {
    static let socketSuffix = ".sock"
    /// Receivers sent to at most: each costs a descriptor.
    public static let maxPeers = 512

    /// The socket file this endpoint bound.
    public let path: String
    public private(set) var isOpen = true
    private let transport: UnixDatagramTransport
    /// The channel's directory.
    let channelPath: String
    private let fd: CInt
    private let onFrame: (ChannelFrame) -> Void
    private var channel: (any Channel)?
    private var peers: [String: DatagramPeer] = [:]
    /// The directory may hold sockets not in `peers`, or lack some that are: list it before the next post.
    private var listingIsStale = true
    /// Reads the inotify watch of the channel's directory; nil when there is none (then every
    /// post lists the directory).
    private var directoryWatch: (any Channel)?
    private var isWatchingDirectory = false
    /// Frames posted in this turn of the loop, sent together at its end.
    private var batch: [[UInt8]] = []
    /// Frames kept for the end of a turn, at most: more are sent at once.
    static let maxBatchFrames = 1024

    init(
        transport: UnixDatagramTransport, path: String, channelPath: String, fd: CInt,
        onFrame: @escaping (ChannelFrame) -> Void
    ) {
        self.transport = transport
        self.path = path
        self.channelPath = channelPath
        self.fd = fd
        self.onFrame = onFrame
    }

    /// Hands the bound socket to NIO for reading: a duplicate of its descriptor, read as a pipe is
    /// (each read returns one datagram), because NIO's datagram channel closes itself on a datagram
    /// from an unnamed socket. Frames arriving before NIO reads wait in the socket's queue: none is
    /// lost, since the socket was bound before anything was posted.
    func startReading() {
        let readFd = dup(fd)
        readAsPipe(readFd, capacity: transport.maxFrameBytes + 1, with: DatagramReader(endpoint: self)) {
            [self] result in
            switch result {
            case .success(let channel):
                if isOpen { self.channel = channel } else { channel.close(promise: nil) }
            case .failure(let error):
                failed("cannot read the socket: \(error)")
            }
        }
    }

    /// Reads `descriptor` on the loop as a pipe is, `capacity` bytes at most per read, through
    /// `handler`; `done` gets the channel, or the error after the descriptor was closed.
    private func readAsPipe(
        _ descriptor: CInt, capacity: Int, with handler: some ChannelInboundHandler,
        done: @escaping (Result<any Channel, any Error>) -> Void
    ) {
        let loop = transport.eventLoop
        let reader = NIOLoopBound(handler, eventLoop: loop)
        NIOPipeBootstrap(group: loop)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: capacity))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader.value) }
            }
            .takingOwnershipOfDescriptor(input: descriptor)
            .assumeIsolated()
            .whenComplete { result in
                if case .failure = result { Glibc.close(descriptor) }
                done(result)
            }
    }

    /// NIO closed the reading side: at the end of input, which on a datagram socket is an empty
    /// datagram (a frame that cannot decode, dropped and counted as such), or after a read error.
    /// The socket itself is still open: reading starts again on a new duplicate of it.
    fileprivate func readerClosed(after error: (any Error)?) {
        channel = nil
        guard isOpen else { return }
        if let error {
            failed("read error: \(error)")
        } else {
            transport.statistics.received += 1
            transport.statistics.undecodable += 1
            onFrame(.json(.string("")))
        }
        transport.statistics.readerRestarts += 1
        startReading()
    }

    /// Keeps the frame for the end of this turn of the loop, when the frames posted in it go out
    /// together: one datagram per receiver for as many as fit in `maxFrameBytes`, separated by a
    /// newline (which a frame's compact JSON never holds), in the order they were posted. The turn
    /// ends with the task that posted, or with the received datagram the engine was answering.
    public func post(_ frame: ChannelFrame) {
        guard isOpen else { return }
        let bytes = frame.jsonBytes
        guard bytes.count <= transport.maxFrameBytes else {
            transport.statistics.oversizedNotSent += 1
            transport.observer?(.oversizedNotSent(bytes: bytes.count))
            return
        }
        if batch.isEmpty {
            transport.eventLoop.assumeIsolated().execute { [weak self] in self?.flush() }
        }
        batch.append(bytes)
        if batch.count >= Self.maxBatchFrames { flush() }
    }

    /// Sends the frames posted since the last flush.
    private func flush() {
        guard isOpen, !batch.isEmpty else { return }
        let frames = batch
        batch.removeAll(keepingCapacity: true)
        if listingIsStale || !isWatchingDirectory { listPeers() }
        guard !peers.isEmpty else { return }
        transport.statistics.framesBatched += frames.count
        for datagram in FrameCodec.pack(frames, limit: transport.maxFrameBytes) {
            transport.statistics.datagramsPacked += 1
            let buffer = ByteBuffer(bytes: datagram)
            for peer in peers.values { peer.send(buffer) }
        }
    }

    public func close() {
        guard isOpen else { return }
        flush()  // a goodbye posted just before
        isOpen = false
        unlink(path)
        for peer in peers.values { peer.close() }
        peers.removeAll()
        channel?.close(promise: nil)
        channel = nil
        directoryWatch?.close(promise: nil)
        directoryWatch = nil
        Glibc.close(fd)
        transport.closed(self)
    }

    /// Another endpoint of this process opened or closed in the same directory.
    func directoryChanged(_ directory: String) {
        if directory == channelPath { listingIsStale = true }
    }

    /// Watches the channel's directory for sockets created and removed (inotify, read on the loop as
    /// a pipe is). Without it, every post lists the directory.
    func watchDirectory() {
        let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard watch >= 0 else { return }
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF)
        guard inotify_add_watch(watch, channelPath, mask) >= 0 else {
            Glibc.close(watch)
            return
        }
        // An inotify event is at most 16 bytes and a name: room for several at once.
        readAsPipe(watch, capacity: 4096, with: DirectoryWatchReader(endpoint: self)) { [self] result in
            guard case .success(let channel) = result else { return }
            guard isOpen else { return channel.close(promise: nil) }
            directoryWatch = channel
            isWatchingDirectory = true
            listingIsStale = true  // what changed before the watch began
        }
    }

    fileprivate func directoryWatchEnded() {
        directoryWatch = nil
        isWatchingDirectory = false
    }

    fileprivate func markListingStale() { listingIsStale = true }

    /// Lists the channel's directory: receivers that appeared are added, those whose socket went
    /// are forgotten (what waited for them is lost).
    private func listPeers() {
        listingIsStale = false
        guard let dir = opendir(channelPath) else { return }
        defer { closedir(dir) }
        var seen: Set<String> = []
        var overLimit = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(Self.socketSuffix) else { continue }
            let peerPath = channelPath + "/" + name
            guard peerPath != path, peerPath.utf8.count <= UnixSocket.maxPathBytes else { continue }
            seen.insert(peerPath)
            guard peers[peerPath] == nil else { continue }
            guard peers.count < Self.maxPeers else {
                overLimit += 1
                continue
            }
            peers[peerPath] = makePeer(peerPath)
        }
        transport.statistics.peersOverLimit = overLimit
        for (gone, peer) in peers where !seen.contains(gone) {
            peer.close()
            peers[gone] = nil
        }
    }

    private func makePeer(_ peerPath: String) -> DatagramPeer {
        let loop = transport.eventLoop
        let peer = DatagramPeer(path: peerPath, transport: transport) {
            DatagramBootstrap(group: loop)
                .channelOption(.autoRead, value: false)  // it only sends
                .connect(unixDomainSocketPath: peerPath)
        }
        peer.onGone = { [weak self, unowned peer] code in
            guard let self, self.peers[peerPath] === peer else { return }
            self.peers[peerPath] = nil
            // A socket file nobody has bound: its process died without closing.
            if code == ECONNREFUSED, UnixSocket.isStale(peerPath) { self.transport.removeStale(peerPath) }
        }
        return peer
    }

    /// A frame arrived from `senderId`: if this endpoint had given up on its socket, it reads again;
    /// if its socket is not listed yet, the next post lists the directory (it is new).
    private func heard(from senderId: String) {
        let peerPath = channelPath + "/" + UnixDatagramTransport.socketName(ownerId: senderId)
        if let peer = peers[peerPath] { peer.heard() } else if peerPath != path { listingIsStale = true }
    }

    fileprivate func received(_ buffer: ByteBuffer) {
        guard isOpen else { return }
        guard buffer.readableBytes <= transport.maxFrameBytes else {
            transport.statistics.oversizedReceived += 1
            transport.observer?(.oversizedReceived(bytes: buffer.readableBytes))
            return
        }
        let frames = buffer.withUnsafeReadableBytes { FrameCodec.unpack($0) }
        for (frame, isJSON) in frames {
            guard isOpen else { return }  // the engine closed it on an earlier frame
            transport.statistics.received += 1
            if !isJSON { transport.statistics.undecodable += 1 }
            if case .json(.object(let fields)) = frame, let sender = fields["tabId"]?.stringValue {
                heard(from: sender)
            }
            onFrame(frame)
        }
        flush()  // what the engine answered goes out now, not a turn later
    }

    fileprivate func failed(_ reason: String) {
        guard isOpen else { return }
        transport.observer?(.receiveFailed(reason: reason))
    }
}

/// Reads the inotify watch of an endpoint's directory: any event makes its listing stale.
private final class DirectoryWatchReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private weak var endpoint: UnixDatagramEndpoint?

    init(endpoint: UnixDatagramEndpoint) { self.endpoint = endpoint }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        endpoint?.markListingStale()
    }

    func channelInactive(context: ChannelHandlerContext) {
        endpoint?.directoryWatchEnded()
    }
}

/// Reads datagrams for one endpoint, one per read.
private final class DatagramReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private weak var endpoint: UnixDatagramEndpoint?
    private var error: (any Error)?

    init(endpoint: UnixDatagramEndpoint) { self.endpoint = endpoint }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        endpoint?.received(Self.unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.error = error
    }

    func channelInactive(context: ChannelHandlerContext) {
        endpoint?.readerClosed(after: error)
    }
}
