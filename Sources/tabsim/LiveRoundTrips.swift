import Foundation
import NIOCore
import NIOPosix
import TabSync
import TabSyncLive

/// Where the bench's channels are: a directory of Unix sockets, or a PostgreSQL server.
enum BenchVenue {
    case directory(String)
    case postgres(PostgresSettings)

    /// Arguments that put a `tabsim tab` or peer there.
    func arguments(channel: String) -> [String] {
        switch self {
        case .directory(let root): ["--dir", root, "--channel", channel]
        case .postgres(let server): ["--postgres", server.urlWithoutPassword, "--channel", channel]
        }
    }
}

/// Round trips and one-way deliveries between this process and a peer process (`LivePeer`), both
/// engines on their own event loop, throttle off, over the Unix datagram transport or PostgreSQL.
enum LiveRoundTrips {
    struct Result {
        /// Microseconds from setting `ping` here to applying the peer's `pong`, one per round trip.
        var roundTrips: [Double]
        var deliveriesPerSecond: Double
        /// Frames the transport lost (a backlog overflowed): none is expected.
        var lost: Int
    }

    static let warmUp = 500

    static func measure(venue: BenchVenue, roundTrips: Int, deliveries: Int) throws -> Result {
        let peerArguments: [String]
        switch venue {
        case .directory(let root): peerArguments = ["--peer", root]
        case .postgres(let server): peerArguments = ["--peer", "-", "--postgres", server.urlWithoutPassword]
        }
        let peer = try ChildTab("peer", arguments: ["bench-live"] + peerArguments)
        defer { peer.stop() }
        try ChildTab.wait("the peer", seconds: 30) { !peer.events("ready").isEmpty }
        var result: Result?
        var failure: (any Error)?
        var driver: Driver?  // held here: only its own timers and callbacks refer to it otherwise
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            do {
                let transport = try LivePeer.transport(venue, loop: loop)
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
        guard let result else { throw BenchLiveError("the round trips did not finish") }
        return result
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

/// The peer of `LiveRoundTrips`, in its own process: answers each `ping` with the same `pong`,
/// counts the `seq` updates it applies and answers `end` with that count as `done`.
enum LivePeer {
    static var config: BroadcastSyncConfig {
        var config = BroadcastSyncConfig(channelName: "bench-live")
        config.throttleMs = 0
        return config
    }

    /// The bench's transport at `venue`, on `loop`.
    static func transport(_ venue: BenchVenue, loop: any EventLoop) throws -> any SyncTransport {
        switch venue {
        case .directory(let root): UnixDatagramTransport(eventLoop: loop, directory: ChannelDirectory(root: root))
        case .postgres(let server): PostgresTransport(eventLoop: loop, settings: server)
        }
    }

    /// Connects first over PostgreSQL (`done` hears why not); at once in a directory.
    static func connect(_ transport: any SyncTransport, _ done: @escaping ((any Error)?) -> Void) {
        guard let postgres = transport as? PostgresTransport else { return done(nil) }
        postgres.connect(channelName: config.channelName).assumeIsolated().whenComplete { result in
            if case .failure(let error) = result { done(error) } else { done(nil) }
        }
    }

    static func run(venue: BenchVenue) throws {
        var failure: (any Error)?
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            do {
                let transport = try transport(venue, loop: loop)
                let sync = try BroadcastSync(
                    store: Store(), config: config,
                    environment: .live(eventLoop: loop, transport: transport))
                var applied = 0
                _ = sync.store.subscribe { change in
                    guard case .remote = change.origin else { return }
                    if change.changedKeys.contains("seq") { applied += 1 }
                    if change.changedKeys.contains("ping"), let ping = change.next["ping"] {
                        try? sync.store.setState(["pong": ping])
                    }
                    if change.changedKeys.contains("end") {
                        try? sync.store.setState(["done": .number(Double(applied))])
                    }
                }
                connect(transport) { error in
                    if let error {
                        failure = error
                        return loop.shutdownGracefully { _ in }
                    }
                    sync.start()
                    writeJSONLine(jsonLine("ready", ["tabId": .string(sync.tabId)]))
                }
                var ended = false
                StandardInput.readLines(
                    on: loop, { _ in }, isDone: { ended },
                    atEnd: {
                        ended = true
                        sync.stop()
                        loop.shutdownGracefully { _ in }
                    })
            } catch {
                failure = error
                loop.shutdownGracefully { _ in }
            }
        }
        if let failure { throw failure }
    }
}

/// The same round trip in one process: two engines on one virtual clock over the in-memory hub
/// with no latency, timed on the wall clock (what the engine costs without sockets or processes).
enum InProcessRoundTrips {
    static func measure(roundTrips: Int) -> [Double] {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 0)
        func make() -> BroadcastSync {
            try! BroadcastSync(
                store: Store(), config: LivePeer.config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub))
        }
        let a = make()
        let b = make()
        _ = b.store.subscribe { change in
            if case .remote = change.origin, let ping = change.next["ping"] { try? b.store.setState(["pong": ping]) }
        }
        a.start()
        b.start()
        scheduler.advance(byMs: 1000)
        var samples: [Double] = []
        for ping in 1...(LiveRoundTrips.warmUp + roundTrips) {
            let start = ContinuousClock.now
            try? a.store.setState(["ping": .number(Double(ping))])
            while a.store["pong"]?.intValue != ping, scheduler.step() {}
            let elapsed = ContinuousClock.now - start
            if ping > LiveRoundTrips.warmUp {
                samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
        }
        a.stop()
        b.stop()
        return samples
    }
}
