#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOEmbedded
import Testing

@testable import TabSyncLive

/// One receiver's sending side on NIO's embedded loop: its queue is a handler that takes frames
/// while it has room and holds the rest (their writes pending, as NIO holds a frame for a full
/// socket queue), and time moves only when the test says. No socket, no thread, no real time.
@Suite struct DatagramPeerTests {
    /// A receiver's socket queue, shared by every connection made to it.
    final class Receiver {
        var room: Int
        var taken: [String] = []
        var held: [(ByteBuffer, EventLoopPromise<Void>?)] = []
        var connections = 0
        /// When set, connecting fails with this errno (the socket is gone).
        var refuse: CInt?

        init(room: Int) { self.room = room }

        /// The receiver reads `count` frames (all when nil): frames held go in, in order.
        func read(_ count: Int? = nil) {
            room += count ?? (held.count + 1_000_000)
            while room > 0, !held.isEmpty {
                let (frame, promise) = held.removeFirst()
                room -= 1
                taken.append(String(buffer: frame))
                promise?.succeed()
            }
        }
    }

    /// The receiver's side of one connection.
    final class QueueHandler: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        let receiver: Receiver
        init(_ receiver: Receiver) { self.receiver = receiver }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let frame = unwrapOutboundIn(data)
            if receiver.room > 0, receiver.held.isEmpty {
                receiver.room -= 1
                receiver.taken.append(String(buffer: frame))
                promise?.succeed()
            } else {
                receiver.held.append((frame, promise))
            }
        }

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            for (_, pending) in receiver.held { pending?.fail(ChannelError.ioOnClosedChannel) }
            receiver.held.removeAll()
            context.close(mode: mode, promise: promise)
        }
    }

    struct Setup {
        let loop = EmbeddedEventLoop()
        let transport: UnixDatagramTransport
        let receiver: Receiver
        let peer: DatagramPeer
        var events: [UnixDatagramTransport.Event] { observed.events }
        let observed = Observed()

        final class Observed { var events: [UnixDatagramTransport.Event] = [] }

        init(room: Int = 10, maxBacklog: Int = 4096) {
            transport = UnixDatagramTransport(
                eventLoop: loop, directory: ChannelDirectory(root: "/nonexistent"), maxBacklog: maxBacklog)
            transport.giveUpMicroseconds = 200_000
            transport.probeMicroseconds = 20_000
            let receiver = Receiver(room: room)
            self.receiver = receiver
            let loop = self.loop
            peer = DatagramPeer(path: "/chan/receiver.sock", transport: transport) {
                receiver.connections += 1
                if let code = receiver.refuse {
                    return loop.makeFailedFuture(IOError(errnoCode: code, reason: "connect"))
                }
                let channel = EmbeddedChannel(handler: QueueHandler(receiver), loop: loop)
                return channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 1)).map { channel }
            }
            let observed = self.observed
            transport.observer = { observed.events.append($0) }
        }

        func send(_ texts: [String]) {
            for text in texts { peer.send(ByteBuffer(string: text)) }
            loop.run()
        }
    }

    @Test func framesGoOutInOrderAndWaitWithoutLossWhileTheQueueIsFull() {
        let setup = Setup(room: 3)
        setup.send((0..<20).map { "f\($0)" })
        #expect(setup.receiver.taken == ["f0", "f1", "f2"])
        #expect(setup.transport.statistics.backlogged == 17)
        setup.receiver.read(5)
        setup.loop.run()
        #expect(setup.receiver.taken == (0..<8).map { "f\($0)" })
        setup.receiver.read()
        let stats = setup.transport.statistics
        #expect(setup.receiver.taken == (0..<20).map { "f\($0)" })
        #expect(stats.sent == 20 && stats.sendAttempts == 20 && stats.backlogged == 0 && stats.lost == 0)
        #expect(setup.receiver.connections == 1)
    }

    @Test func framesBeyondTheBacklogAreLostAndCounted() {
        let setup = Setup(room: 2, maxBacklog: 5)
        setup.send((0..<10).map { "f\($0)" })
        let stats = setup.transport.statistics
        #expect(stats.sent == 2 && stats.backlogged == 5 && stats.lost == 3)
        setup.receiver.read()
        #expect(setup.receiver.taken == (0..<7).map { "f\($0)" })
    }

    /// A receiver that never reads costs its sender nothing but the frames it holds: nothing is
    /// retried, it is given up after `giveUpMicroseconds`, then only probed, at most every
    /// `probeMicroseconds`, until a probe gets through.
    @Test func aReceiverThatNeverReadsIsGivenUpThenProbedUntilAProbeGetsThrough() {
        let setup = Setup(room: 10)
        setup.send((0..<50).map { "f\($0)" })
        setup.loop.advanceTime(by: .milliseconds(199))
        #expect(setup.transport.statistics.peersGivenUp == 0)
        setup.loop.advanceTime(by: .milliseconds(1))
        var stats = setup.transport.statistics
        #expect(stats.peersGivenUp == 1 && stats.lost == 40 && stats.backlogged == 0 && stats.sent == 10)
        #expect(stats.sendAttempts == 50)  // each frame handed over once: no retries
        guard case .unresponsive(_, let dropped) = setup.events.last else {
            Issue.record("no unresponsive event: \(setup.events)")
            return
        }
        #expect(dropped == 40)

        // Given up: frames are dropped unsent until a probe is due, 20 ms on.
        setup.send((0..<1000).map { "x\($0)" })
        stats = setup.transport.statistics
        #expect(stats.notSentToUnresponsive == 1000 && stats.sendAttempts == 50)
        setup.loop.advanceTime(by: .milliseconds(20))
        setup.send(["probe", "dropped"])
        stats = setup.transport.statistics
        #expect(stats.sendAttempts == 51 && stats.notSentToUnresponsive == 1001)
        #expect(setup.receiver.connections == 2)
        // A probe that waits in the full queue: the next one is not sent either.
        setup.loop.advanceTime(by: .milliseconds(100))
        setup.send(["dropped too"])
        #expect(setup.transport.statistics.sendAttempts == 51)

        // It reads: the probe gets through, and frames go to it again.
        setup.receiver.read()
        setup.send(["back"])
        stats = setup.transport.statistics
        #expect(stats.peersResumed == 1 && setup.receiver.taken.suffix(2) == ["probe", "back"])
        guard case .responsive = setup.events.last else {
            Issue.record("no responsive event: \(setup.events)")
            return
        }
    }

    @Test func aFrameFromAReceiverGivenUpOnResumesIt() {
        let setup = Setup(room: 0)
        setup.send(["a"])
        setup.loop.advanceTime(by: .milliseconds(200))
        #expect(setup.transport.statistics.peersGivenUp == 1)
        setup.peer.heard()
        setup.receiver.read()
        setup.send(["b"])
        #expect(setup.transport.statistics.peersResumed == 1)
        #expect(setup.receiver.taken == ["b"])
    }

    /// A slow receiver is not given up: each frame it takes restarts the count.
    @Test func aReceiverThatReadsSlowlyIsNeverGivenUp() {
        let setup = Setup(room: 1)
        setup.send((0..<10).map { "f\($0)" })
        for _ in 0..<9 {
            setup.loop.advanceTime(by: .milliseconds(150))
            setup.receiver.read(1)
            setup.loop.run()
        }
        setup.loop.advanceTime(by: .milliseconds(150))
        let stats = setup.transport.statistics
        #expect(stats.peersGivenUp == 0 && stats.sent == 10 && stats.lost == 0)
    }

    /// A socket file nobody has bound refuses the connection: the receiver is gone, and what was
    /// sent to it is not counted lost.
    @Test func aRefusedConnectionIsAReceiverGoneNotALoss() {
        let setup = Setup()
        setup.receiver.refuse = ECONNREFUSED
        var gone: [CInt?] = []
        setup.peer.onGone = { gone.append($0) }
        setup.send(["a"])
        #expect(gone == [ECONNREFUSED])
        let stats = setup.transport.statistics
        #expect(stats.lost == 0 && stats.sent == 0 && stats.backlogged == 0)
    }
}
