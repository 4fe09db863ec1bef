#if canImport(Glibc)
    import Glibc
#endif
import NIOCore

/// The sending side toward one receiver of a channel: a datagram channel connected to its socket,
/// the frames waiting for room in its queue, and whether it was given up on.
///
/// A send never blocks the event loop: each frame is written to NIO's channel, which sends it at
/// once or, when the receiver's queue is full, keeps it and sends it when the loop sees the socket
/// writable again (a connected Unix datagram socket is writable when its receiver's queue has
/// room). At most `maxBacklog` frames wait; more are lost and counted. A receiver that takes none
/// of them for `giveUpMicroseconds` is given up on: what waits is dropped and counted, and its
/// frames from then on too, but for one probe at most every `probeMicroseconds`, until a probe gets
/// through or a frame from it arrives (`heard()`). Frames reach it in the order they were sent.
final class DatagramPeer {
    /// Its socket path.
    let path: String
    private unowned let transport: UnixDatagramTransport
    /// Opens a datagram channel connected to `path`.
    private let connect: () -> EventLoopFuture<any Channel>
    /// Called once when the receiver is gone (its socket closed or never bound), with the errno
    /// that said so: the endpoint forgets it (and removes its socket file if no process has it).
    var onGone: (CInt?) -> Void = { _ in }
    private var link: Link?
    /// Given up on: frames are dropped but for a probe now and then.
    private(set) var givenUp = false
    private var nextProbe = NIODeadline.uptimeNanoseconds(0)
    private var watchdog: Scheduled<Void>?

    /// One connection to the receiver: its channel (nil while connecting), the frames waiting for
    /// it to connect, and the frames written to it and not yet sent.
    private final class Link {
        var channel: (any Channel)?
        var waiting: [ByteBuffer] = []
        var inFlight = 0
        /// When it last sent a frame, or began to wait with none sent.
        var lastProgress: NIODeadline
        init(at now: NIODeadline) { lastProgress = now }
        var queued: Int { waiting.count + inFlight }
    }

    init(path: String, transport: UnixDatagramTransport, connect: @escaping () -> EventLoopFuture<any Channel>) {
        self.path = path
        self.transport = transport
        self.connect = connect
    }

    /// Frames waiting to be sent to it.
    var queued: Int { link?.queued ?? 0 }

    /// Sends one frame (its bytes are shared, not copied, between receivers).
    func send(_ frame: ByteBuffer) {
        if givenUp { return probe(frame) }
        if queued >= transport.maxBacklog {
            transport.statistics.lost += 1
            transport.observer?(.lost(path: path, reason: "its queue and backlog are full"))
            return
        }
        write(frame)
    }

    /// A frame from it arrived: if it was given up on, it reads again.
    func heard() {
        if givenUp { resume() }
    }

    /// Forgets it (its socket went): what waits for it is lost. Returns how many frames that was.
    @discardableResult
    func close() -> Int {
        watchdog?.cancel()
        watchdog = nil
        guard let link else { return 0 }
        self.link = nil
        let dropped = link.queued
        transport.statistics.lost += dropped
        drop(link)
        return dropped
    }

    // MARK: - Sending

    private func write(_ frame: ByteBuffer) {
        transport.statistics.sendAttempts += 1
        if self.link == nil { open() }
        guard let link else { return }  // refused at once: it is gone, and its frames are not sent
        transport.statistics.backlogged += 1
        guard let channel = link.channel else {
            link.waiting.append(frame)
            return
        }
        if link.inFlight == 0 { link.lastProgress = transport.eventLoop.now }
        link.inFlight += 1
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [weak self] result in
            link.inFlight -= 1
            guard let self else { return }
            self.transport.statistics.backlogged -= 1
            self.written(result, on: link)
        }
        channel.writeAndFlush(frame, promise: promise)
        if link.inFlight > 0, watchdog == nil { watchNextGiveUp(of: link) }
    }

    private func open() {
        let link = Link(at: transport.eventLoop.now)
        self.link = link
        connect().assumeIsolated().whenComplete { [weak self] result in
            guard let self, self.link === link else {  // forgotten or given up meanwhile
                if case .success(let channel) = result { channel.close(promise: nil) }
                return
            }
            switch result {
            case .success(let channel):
                link.channel = channel
                let waiting = link.waiting
                link.waiting.removeAll()
                transport.statistics.backlogged -= waiting.count
                transport.statistics.sendAttempts -= waiting.count  // counted again as written now
                for frame in waiting { write(frame) }
            case .failure(let error):
                gone(error, failedFrames: 0)
            }
        }
    }

    private func written(_ result: Result<Void, any Error>, on link: Link) {
        guard self.link === link else { return }  // dropped: counted when it was
        switch result {
        case .success:
            transport.statistics.sent += 1
            link.lastProgress = transport.eventLoop.now
            if givenUp { resume() }  // a probe got through
        case .failure(let error):
            gone(error, failedFrames: 1)
        }
    }

    /// The receiver's socket refused `failedFrames` frames or the connection: it is gone (closed, or
    /// its process died), or something else failed and what waited for it is lost.
    private func gone(_ error: any Error, failedFrames: Int) {
        let code = (error as? IOError)?.errnoCode
        switch code {
        case ECONNREFUSED, ENOENT, ECONNRESET, EPIPE:
            if let link {
                self.link = nil
                drop(link)
            }
        default:
            close()
            transport.statistics.lost += failedFrames
            transport.observer?(.lost(path: path, reason: "\(error)"))
        }
        watchdog?.cancel()
        watchdog = nil
        onGone(code)
    }

    /// Closes a link no longer used: its frames waiting fail, and are not counted again.
    private func drop(_ link: Link) {
        transport.statistics.backlogged -= link.waiting.count
        link.waiting.removeAll()
        link.channel?.close(promise: nil)
    }

    // MARK: - Giving up

    private func watchNextGiveUp(of link: Link) {
        let at = link.lastProgress + .microseconds(transport.giveUpMicroseconds)
        watchdog = transport.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [weak self] in
            guard let self else { return }
            watchdog = nil
            guard self.link === link, link.queued > 0, !givenUp else { return }
            if transport.eventLoop.now - link.lastProgress >= .microseconds(transport.giveUpMicroseconds) {
                giveUp()
            } else {
                watchNextGiveUp(of: link)
            }
        }
    }

    private func giveUp() {
        let dropped = close()
        givenUp = true
        nextProbe = transport.eventLoop.now + .microseconds(transport.probeMicroseconds)
        transport.statistics.peersGivenUp += 1
        transport.observer?(.unresponsive(path: path, dropped: dropped))
    }

    /// A frame for a receiver given up on: written (on a new connection) when a probe is due and
    /// none waits, else dropped.
    private func probe(_ frame: ByteBuffer) {
        let now = transport.eventLoop.now
        if link == nil, now >= nextProbe {
            nextProbe = now + .microseconds(transport.probeMicroseconds)
            return write(frame)
        }
        transport.statistics.lost += 1
        transport.statistics.notSentToUnresponsive += 1
    }

    private func resume() {
        givenUp = false
        transport.statistics.peersResumed += 1
        transport.observer?(.responsive(path: path))
    }
}
