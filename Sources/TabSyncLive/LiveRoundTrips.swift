import Foundation
import NIOCore
import NIOPosix
import TabSync

/// Where a bench's channels are: a directory of Unix sockets, or a PostgreSQL server.
public enum LiveVenue: Sendable {
    case directory(String)
    case postgres(PostgresSettings)
}

/// Round trips and one-way deliveries between this process and a peer process (`LivePeer`), both
/// engines on their own event loop, throttle off, over the Unix datagram transport or PostgreSQL.
public enum LiveRoundTrips {
    /// What a measure found.
    public struct Result: Sendable {
        /// Microseconds from setting `ping` here to applying the peer's `pong`, one per round trip.
        public var roundTrips: [Double]
        /// `seq` updates the peer applied per second of the one-way stream.
        public var deliveriesPerSecond: Double
        /// Frames the transport lost (a backlog overflowed): none is expected.
        public var lost: Int
    }

    /// Round trips run and not measured first (caches, the peer's first allocations).
    public static let warmUp = 500

    /// Measures against `peer`, a process that runs `LivePeer` at `venue` and prints a `ready` event
    /// once it listens (`tabsim bench-live --peer`). Runs its own event loop on this thread.
    public static func measure(venue: LiveVenue, peer: ChildTab, roundTrips: Int, deliveries: Int) throws -> Result {
        try wait("the peer", seconds: 30) { !peer.events("ready").isEmpty }
        var result: Result?
        var failure: (any Error)?
        var driver: Driver?  // held here: only its own timers and callbacks refer to it otherwise
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            do {
                let transport = LivePeer.transport(venue, loop: loop)
                let made = try Driver(
                    loop: loop, transport: transport, roundTrips: roundTrips, deliveries: deliveries
                ) { outcome in
                    result = outcome
                    loop.shutdownGracefully { _ in }
                }
                driver = made
                LivePeer.connect(transport) { error in
                    guard let error else { return made.start() }
                    failure = error
                    loop.shutdownGracefully { _ in }
                }
            } catch {
                failure = error
                loop.shutdownGracefully { _ in }
            }
        }
        withExtendedLifetime(driver) {}
        if let failure { throw failure }
        guard let result else { throw LiveBenchError("the round trips did not finish") }
        return result
    }

    /// Polls `condition` every millisecond until it holds; throws after `seconds`. For a bench's
    /// thread, which has nothing else to do meanwhile.
    public static func wait(_ what: String, seconds: Double, _ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            if ContinuousClock.now > deadline {
                throw LiveBenchError("timed out after \(seconds)s waiting for \(what)")
            }
            usleep(1000)
        }
    }

    /// Runs on the loop: joins, then ping/pong round trips, then a stream of `seq` updates.
    private final class Driver {
        let loop: any EventLoop
        let transport: any SyncTransport
        let sync: BroadcastSync
        let roundTrips: Int
        let deliveries: Int
        let done: (Result) -> Void
        var samples: [Double] = []
        var sentAt = NIODeadline.now()
        var ping = 0
        var seq = 0
        var streamStart = NIODeadline.now()

        init(
            loop: any EventLoop, transport: any SyncTransport, roundTrips: Int, deliveries: Int,
            done: @escaping (Result) -> Void
        ) throws {
            self.loop = loop
            self.roundTrips = roundTrips
            self.deliveries = deliveries
            self.done = done
            self.transport = transport
            sync = try BroadcastSync(
                store: Store(), config: LivePeer.config,
                environment: .live(eventLoop: loop, transport: transport))
        }

        func start() {
            _ = sync.store.subscribe { [unowned self] change in
                guard case .remote = change.origin else { return }
                if let pong = change.next["pong"]?.intValue, change.changedKeys.contains("pong"), pong == ping {
                    pongArrived()
                }
                if let count = change.next["done"]?.intValue, change.changedKeys.contains("done") {
                    finish(applied: count)
                }
            }
            sync.start()
            waitForJoin()
        }

        private func waitForJoin() {
            guard sync.isJoining || sync.getConnectedTabs() == 0 else { return sendPing() }
            loop.assumeIsolated().scheduleTask(in: .milliseconds(1)) { [self] in waitForJoin() }
        }

        private func sendPing() {
            ping += 1
            sentAt = .now()
            try? sync.store.setState(["ping": .number(Double(ping))])
        }

        private func pongArrived() {
            if ping > LiveRoundTrips.warmUp {
                samples.append(Double((NIODeadline.now() - sentAt).nanoseconds) / 1000)
            }
            if ping < LiveRoundTrips.warmUp + roundTrips { return sendPing() }
            streamStart = .now()
            pump()
        }

        /// Frames waiting: in the peer's full queue, or for the server's answer (at most 256 of those).
        private var waiting: Bool {
            if let unix = transport as? UnixDatagramTransport { return unix.statistics.backlogged > 0 }
            return ((transport as? PostgresTransport)?.endpoint?.inFlight ?? 0) >= 256
        }

        /// Sends `seq` updates in batches, pausing while the peer's queue is full, then `end`.
        private func pump() {
            var batch = 0
            while seq < deliveries, batch < 256, !waiting {
                seq += 1
                batch += 1
                try? sync.store.setState(["seq": .number(Double(seq))])
            }
            if seq < deliveries {
                let delay: TimeAmount = waiting ? .microseconds(50) : .zero
                loop.assumeIsolated().scheduleTask(in: delay) { [self] in pump() }
            } else {
                try? sync.store.setState(["end": .number(Double(seq))])
            }
        }

        private func finish(applied: Int) {
            let seconds = Double((NIODeadline.now() - streamStart).nanoseconds) / 1e9
            let lost =
                (transport as? UnixDatagramTransport)?.statistics.lost
                ?? (transport as? PostgresTransport).map {
                    $0.statistics.sendFailed + $0.statistics.notSentDisconnected
                }
                ?? 0
            let result = Result(roundTrips: samples, deliveriesPerSecond: Double(applied) / seconds, lost: lost)
            sync.stop()
            done(result)
        }
    }
}

/// A bench that could not run to its end, and why.
public struct LiveBenchError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
