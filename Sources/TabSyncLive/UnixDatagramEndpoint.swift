#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOPosix
import TabSync

/// One open end of a channel: a socket file in the channel's directory. It receives through NIO
/// and sends with one `sendto` per receiver (waiting briefly only for room in a full queue),
/// handling each receiver's failure on its own (NIO's datagram channel closes itself when one fails).
public final class UnixDatagramEndpoint: ChannelEndpoint {
    static let socketSuffix = ".sock"
    /// A directory listing is trusted while the directory's modification time is unchanged and
    /// older than this when it was read: the kernel stamps directories with a coarse clock (a tick
    /// of up to 10 ms), so a change in the same tick as the listing could leave the time unchanged.
    static let listingMarginNs = 50_000_000

    /// The socket file this endpoint bound.
    public let path: String
    public private(set) var isOpen = true
    private let transport: UnixDatagramTransport
    private let channelPath: String
    private let fd: CInt
    /// Where frames are sent from: a socket of its own, because a send may wait for room in a
    /// receiver's queue, and the bound socket must stay non-blocking for NIO's reads.
    private let sendFd: CInt
    private let onFrame: (ChannelFrame) -> Void
    private var channel: (any Channel)?
    private var peers: [String: Peer] = [:]
    private var listedModification = -1
    private var listedAt = 0

    /// Another socket of the channel, the frames waiting for room in its queue, and how long it
    /// has not read.
    private final class Peer {
        var address: sockaddr_un
        var backlog: [[UInt8]] = []
        /// Retries in a row that found its queue still full: the next one waits twice as long.
        var failedRetries = 0
        /// Since when its queue has stayed full without a frame taken (nil: it takes them).
        var fullSince: NIODeadline?
        /// The next retry of its backlog, when one is due.
        var retry: Scheduled<Void>?
        /// Given up (see `UnixDatagramTransport.giveUpMicroseconds`): until it is heard from, or a
        /// probe gets through, its frames are dropped unsent, one probe at most per `maxRetryMicroseconds`.
        var givenUp = false
        var nextProbe = NIODeadline.uptimeNanoseconds(0)
        init(address: sockaddr_un) { self.address = address }
    }

    init(
        transport: UnixDatagramTransport, path: String, channelPath: String, fd: CInt, sendFd: CInt,
        onFrame: @escaping (ChannelFrame) -> Void
    ) {
        self.transport = transport
        self.path = path
        self.channelPath = channelPath
        self.fd = fd
        self.sendFd = sendFd
        self.onFrame = onFrame
    }

    /// Hands the bound socket to NIO for reading: a duplicate of its descriptor, read as a pipe is
    /// (each read returns one datagram), because NIO's datagram channel closes itself on a datagram
    /// from an unnamed socket. Frames arriving before NIO reads wait in the socket's queue: none is
    /// lost, since the socket was bound before anything was posted.
    func startReading() {
        let loop = transport.eventLoop
        let readFd = dup(fd)
        let reader = NIOLoopBound(DatagramReader(endpoint: self), eventLoop: loop)
        let allocator = FixedSizeRecvByteBufferAllocator(capacity: transport.maxFrameBytes + 1)
        NIOPipeBootstrap(group: loop)
            .channelOption(.recvAllocator, value: allocator)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader.value) }
            }
            .takingOwnershipOfDescriptor(input: readFd)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    if isOpen { self.channel = channel } else { channel.close(promise: nil) }
                case .failure(let error):
                    Glibc.close(readFd)
                    failed("cannot read the socket: \(error)")
                }
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

    public func post(_ frame: ChannelFrame) {
        guard isOpen else { return }
        let bytes = FrameCodec.encode(frame)
        guard bytes.count <= transport.maxFrameBytes else {
            transport.statistics.oversizedNotSent += 1
            transport.observer?(.oversizedNotSent(bytes: bytes.count))
            return
        }
        refreshPeers()
        for (peerPath, peer) in peers {
            if peer.givenUp {
                probe(bytes, to: peer, at: peerPath)
                continue
            }
            if peer.backlog.isEmpty, trySend(bytes, to: peer, at: peerPath, wait: true) { continue }
            guard peers[peerPath] != nil else { continue }  // removed: it was gone
            if peer.backlog.count >= transport.maxBacklog {
                lose(peerPath, "its queue and backlog are full")
            } else {
                peer.backlog.append(bytes)
                transport.statistics.backlogged += 1
                if peer.retry == nil {
                    peer.fullSince = peer.fullSince ?? .now()
                    scheduleRetry(of: peer, at: peerPath)
                }
            }
        }
    }

    public func close() {
        guard isOpen else { return }
        isOpen = false
        unlink(path)
        for peer in peers.values {
            transport.statistics.backlogged -= peer.backlog.count
            peer.retry?.cancel()
        }
        peers.removeAll()
        if let channel { channel.close(promise: nil) }
        channel = nil
        Glibc.close(fd)
        Glibc.close(sendFd)
    }

    /// Sends one frame to one peer. True when sent; false when its queue stayed full (try later)
    /// or when it is gone (then it is forgotten, and its socket file removed if its process died).
    /// With `wait`, a full queue is waited on for up to `sendTimeoutMicroseconds`: a busy receiver
    /// slows its sender down instead of piling up a backlog, and a stopped one costs one wait, after
    /// which its frames go to its backlog without waiting until it has caught up.
    private func trySend(_ bytes: [UInt8], to peer: Peer, at peerPath: String, wait: Bool = false) -> Bool {
        transport.statistics.sendAttempts += 1
        guard let code = UnixSocket.send(sendFd, bytes, to: &peer.address, wait: wait) else {
            transport.statistics.sent += 1
            return true
        }
        switch code {
        case EAGAIN, EWOULDBLOCK, ENOBUFS:
            return false
        case ECONNREFUSED:  // a socket file nobody has bound: its process died without closing
            peers[peerPath] = nil
            transport.removeStale(peerPath)
        case ENOENT:  // closed meanwhile
            peers[peerPath] = nil
        default:
            lose(peerPath, String(cString: strerror(code)))
            return true
        }
        return false
    }

    private func lose(_ peerPath: String, _ reason: String) {
        transport.statistics.lost += 1
        transport.observer?(.lost(path: peerPath, reason: reason))
    }

    /// Sends what waits in one peer's backlog, oldest first, until its queue is full again; then
    /// tries again later, twice as late each time nothing was taken, up to `maxRetryMicroseconds`,
    /// and gives up on a peer whose queue stayed full for `giveUpMicroseconds`: a stopped process
    /// costs its senders a few dozen attempts, not one every `retryMicroseconds` for ever.
    private func retryBacklog(of peer: Peer, at peerPath: String) {
        peer.retry = nil
        guard isOpen, peers[peerPath] === peer else { return }
        var sent = 0
        while sent < peer.backlog.count, trySend(peer.backlog[sent], to: peer, at: peerPath) { sent += 1 }
        peer.backlog.removeFirst(sent)
        transport.statistics.backlogged -= sent
        if peers[peerPath] == nil {  // gone: what waited for it is lost
            transport.statistics.lost += peer.backlog.count
            transport.statistics.backlogged -= peer.backlog.count
            peer.backlog.removeAll()
            return
        }
        let now = NIODeadline.now()
        if peer.backlog.isEmpty || sent > 0 {  // it reads: a slow receiver, not a stopped one
            peer.failedRetries = 0
            peer.fullSince = peer.backlog.isEmpty ? nil : now
        } else {
            peer.failedRetries += 1
        }
        guard !peer.backlog.isEmpty else { return }
        let fullFor = now - (peer.fullSince ?? now)
        if fullFor >= .microseconds(Int64(transport.giveUpMicroseconds)) {
            giveUp(peer, at: peerPath, now: now)
        } else {
            scheduleRetry(of: peer, at: peerPath)
        }
    }

    private func scheduleRetry(of peer: Peer, at peerPath: String) {
        let doublings = min(peer.failedRetries, 40)
        let delay = min(transport.retryMicroseconds << doublings, transport.maxRetryMicroseconds)
        peer.retry = transport.eventLoop.assumeIsolated().scheduleTask(in: .microseconds(delay)) {
            [weak self, weak peer] in
            guard let self, let peer else { return }
            self.retryBacklog(of: peer, at: peerPath)
        }
    }

    /// Drops what waits for a peer that has not read for `giveUpMicroseconds`, and every frame for
    /// it from now on, but a probe now and then, until it is heard from (`heard(from:)`).
    private func giveUp(_ peer: Peer, at peerPath: String, now: NIODeadline) {
        let dropped = peer.backlog.count
        transport.statistics.lost += dropped
        transport.statistics.backlogged -= dropped
        peer.backlog.removeAll()
        peer.givenUp = true
        peer.fullSince = nil
        peer.failedRetries = 0
        peer.nextProbe = now + .microseconds(transport.maxRetryMicroseconds)
        transport.statistics.peersGivenUp += 1
        transport.observer?(.unresponsive(path: peerPath, dropped: dropped))
    }

    /// A frame for a peer given up on: sent (without waiting) when a probe is due, else dropped.
    private func probe(_ bytes: [UInt8], to peer: Peer, at peerPath: String) {
        let now = NIODeadline.now()
        if now >= peer.nextProbe {
            if trySend(bytes, to: peer, at: peerPath) { return resume(peer, at: peerPath) }
            guard peers[peerPath] != nil else { return }  // gone
            peer.nextProbe = now + .microseconds(transport.maxRetryMicroseconds)
        }
        transport.statistics.lost += 1
        transport.statistics.notSentToUnresponsive += 1
    }

    private func resume(_ peer: Peer, at peerPath: String) {
        guard peer.givenUp else { return }
        peer.givenUp = false
        transport.statistics.peersResumed += 1
        transport.observer?(.responsive(path: peerPath))
    }

    /// A frame arrived from `senderId`: if this endpoint had given up on its socket, it reads again.
    private func heard(from senderId: String) {
        let peerPath = channelPath + "/" + UnixDatagramTransport.socketName(ownerId: senderId)
        if let peer = peers[peerPath], peer.givenUp { resume(peer, at: peerPath) }
    }

    /// Re-reads the channel directory when it changed since the last listing (one `stat` per post
    /// otherwise). Peers that appeared are added, peers whose file went are forgotten.
    private func refreshPeers() {
        var info = stat()
        let now = Self.wallNs()
        guard stat(channelPath, &info) == 0 else { return }
        let modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        if modified == listedModification, listedAt - modified > Self.listingMarginNs { return }
        listedModification = modified
        listedAt = now
        guard let dir = opendir(channelPath) else { return }
        defer { closedir(dir) }
        var seen: Set<String> = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(Self.socketSuffix) else { continue }
            let peerPath = channelPath + "/" + name
            guard peerPath != path else { continue }
            seen.insert(peerPath)
            if peers[peerPath] == nil, let address = UnixSocket.address(peerPath) {
                peers[peerPath] = Peer(address: address)
            }
        }
        for (gone, peer) in peers where !seen.contains(gone) {
            transport.statistics.lost += peer.backlog.count
            transport.statistics.backlogged -= peer.backlog.count
            peer.retry?.cancel()
            peers[gone] = nil
        }
    }

    private static func wallNs() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec)
    }

    fileprivate func received(_ buffer: ByteBuffer) {
        guard isOpen else { return }
        guard buffer.readableBytes <= transport.maxFrameBytes else {
            transport.statistics.oversizedReceived += 1
            transport.observer?(.oversizedReceived(bytes: buffer.readableBytes))
            return
        }
        let (frame, isJSON) = buffer.withUnsafeReadableBytes { FrameCodec.decode($0) }
        transport.statistics.received += 1
        if !isJSON { transport.statistics.undecodable += 1 }
        if case .json(.object(let fields)) = frame, let sender = fields["tabId"]?.stringValue { heard(from: sender) }
        onFrame(frame)
    }

    fileprivate func failed(_ reason: String) {
        guard isOpen else { return }
        transport.observer?(.receiveFailed(reason: reason))
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
