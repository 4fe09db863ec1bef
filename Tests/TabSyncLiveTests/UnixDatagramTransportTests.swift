#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import TabSync
import TabSyncLive
import Testing

@Suite struct UnixDatagramTransportTests {
    /// Endpoints on one loop, and what each received, kept on the loop.
    final class Bench {
        let transport: UnixDatagramTransport
        var endpoints: [UnixDatagramEndpoint] = []
        var received: [[ChannelFrame]] = []

        init(_ transport: UnixDatagramTransport) { self.transport = transport }

        func open(_ ownerId: String) throws {
            let index = endpoints.count
            received.append([])
            endpoints.append(
                try transport.openEndpoint(channelName: "chan", ownerId: ownerId) { [unowned self] in
                    self.received[index].append($0)
                })
        }

        func texts(_ index: Int) -> [String] {
            received[index].map {
                switch $0 {
                case .json(let value): value.description
                case .message(let message): message.jsonText
                }
            }
        }
    }

    private func makeBench(_ thread: LoopThread, root: String, maxFrameBytes: Int = 64 * 1024) async throws
        -> NIOLoopBound<Bench>
    {
        let loop = thread.loop
        return try await thread.run {
            let transport = UnixDatagramTransport(
                eventLoop: loop, directory: ChannelDirectory(root: root),
                maxFrameBytes: maxFrameBytes)
            return NIOLoopBound(Bench(transport), eventLoop: loop)
        }
    }

    @Test func aPostReachesEveryOtherEndpointAndNeverTheSender() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path)
        try await thread.run {
            for id in ["a", "b", "c"] { try bench.value.open(id) }
            let message = SyncMessage(type: .tabPing, tabId: "a", timestamp: 5)
            bench.value.endpoints[0].post(.message(message))
        }
        try await eventually("b and c receive") {
            try await thread.run { bench.value.received[1].count == 1 && bench.value.received[2].count == 1 }
        }
        let texts = try await thread.run { (bench.value.texts(0), bench.value.texts(1)) }
        #expect(texts.0.isEmpty)
        #expect(texts.1 == [#"{"tabId":"a","timestamp":5,"type":"TAB_PING","version":1}"#])
        #expect(try await thread.run { bench.value.transport.statistics.sent } == 2)
        try await thread.shutdown()
    }

    @Test func aClosedEndpointRemovesItsSocketAndHearsNothingMore() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path)
        let path = try await thread.run {
            try bench.value.open("a")
            try bench.value.open("b")
            bench.value.endpoints[1].close()
            bench.value.endpoints[0].post(.json(["x": 1]))
            bench.value.endpoints[1].post(.json(["y": 2]))
            return bench.value.endpoints[1].path
        }
        #expect(access(path, F_OK) != 0)
        try await thread.run { bench.value.endpoints[0].post(.json(["z": 3])) }
        try await thread.run { #expect(bench.value.received[1].isEmpty && bench.value.received[0].isEmpty) }
        #expect(try await thread.run { bench.value.transport.statistics.sent } == 0)
        try await thread.shutdown()
    }

    @Test func aSocketLeftByADeadProcessIsRemovedWhenASendFindsNobody() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path)
        try await thread.run { try bench.value.open("a") }
        let stale = temp.path + "/chan/dead.sock"
        leaveStaleSocket(at: stale)
        #expect(access(stale, F_OK) == 0)
        try await thread.run { bench.value.endpoints[0].post(.json(["x": 1])) }
        #expect(access(stale, F_OK) != 0)
        let stats = try await thread.run { bench.value.transport.statistics }
        #expect(stats.staleSocketsRemoved == 1)
        #expect(stats.sent == 0)
        try await thread.shutdown()
    }

    /// Sent from unnamed sockets, as a tool like socat would: reading must survive them all,
    /// including an empty datagram (which a read sees as the end of input).
    @Test func undecodableAndOversizedDatagramsAreCountedAndOversizedOnesNotHandedOn() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path, maxFrameBytes: 100)
        let path = try await thread.run {
            try bench.value.open("a")
            return bench.value.endpoints[0].path
        }
        #expect(sendRawDatagram(Array("not json".utf8), to: path))
        #expect(sendRawDatagram([UInt8](repeating: 0x20, count: 101), to: path))
        #expect(sendRawDatagram([], to: path))
        #expect(sendRawDatagram(Array(#"{"type":"TAB_PING"}"#.utf8), to: path))
        try await eventually("four datagrams") {
            try await thread.run {
                let s = bench.value.transport.statistics
                return s.received + s.oversizedReceived == 4
            }
        }
        let (stats, texts) = try await thread.run { (bench.value.transport.statistics, bench.value.texts(0)) }
        #expect(stats.undecodable == 2 && stats.oversizedReceived == 1 && stats.received == 3)
        #expect(stats.readerRestarts == 1)
        #expect(texts == [#""not json""#, #""""#, #"{"type":"TAB_PING"}"#])
        try await thread.run {
            bench.value.endpoints[0].post(.json(.string(String(repeating: "x", count: 200))))
            #expect(bench.value.transport.statistics.oversizedNotSent == 1)
        }
        try await thread.shutdown()
    }

    @Test func twoEnginesSyncAnEditAndCountAMalformedDatagramAsDropped() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let loop = thread.loop
        let root = temp.path
        let syncs = try await thread.run {
            let transport = UnixDatagramTransport(eventLoop: loop, directory: ChannelDirectory(root: root))
            var config = BroadcastSyncConfig(channelName: "engines")
            config.throttleMs = 0
            let a = try BroadcastSync(
                store: Store(["theme": "light"]), config: config,
                environment: .live(eventLoop: loop, transport: transport))
            let b = try BroadcastSync(
                store: Store(["theme": "light"]), config: config,
                environment: .live(eventLoop: loop, transport: transport))
            a.start()
            b.start()
            return NIOLoopBoundBox(Optional((a, b)), eventLoop: loop)
        }
        try await eventually("b has joined") { try await thread.run { !syncs.value!.1.isJoining } }
        try await thread.run { try syncs.value!.0.store.setState(["theme": "dark"]) }
        try await eventually("the edit reaches b") {
            try await thread.run { syncs.value!.1.store["theme"] == "dark" }
        }
        let socket = try await thread.run { root + "/engines/" + syncs.value!.1.tabId + ".sock" }
        #expect(sendRawDatagram(Array("\u{1}garbage".utf8), to: socket))
        try await eventually("b drops the garbage") {
            try await thread.run { syncs.value!.1.statistics.dropped[.malformed] == 1 }
        }
        try await thread.run {
            syncs.value!.0.stop()
            syncs.value!.1.stop()
            syncs.value = nil  // released on their loop, as everything of the engine must be
        }
        try await thread.shutdown()
    }

    /// A receiver that never reads (a stopped process) used to be retried every 100 us for as long
    /// as it stayed so: about a CPU-second per 20 s for each of its senders. Now the retries back
    /// off to `maxRetryMicroseconds`, the receiver is given up after `giveUpMicroseconds`, and it
    /// costs nothing more (a probe per post at most every `maxRetryMicroseconds`) until it is heard from.
    @Test func aReceiverThatNeverReadsCostsBoundedAttemptsThenIsGivenUpUntilHeardFrom() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let loop = thread.loop
        let root = temp.path
        let maxRetryMicroseconds: Int64 = 20_000
        let bench = try await thread.run {
            let transport = UnixDatagramTransport(eventLoop: loop, directory: ChannelDirectory(root: root))
            transport.maxRetryMicroseconds = maxRetryMicroseconds
            transport.giveUpMicroseconds = 200_000
            let bench = Bench(transport)
            try bench.open("a")
            return NIOLoopBound(bench, eventLoop: loop)
        }
        let stopped = try DatagramSocket(boundTo: root + "/chan/stopped.sock")
        defer { stopped.close() }
        try await thread.run { for i in 0..<50 { bench.value.endpoints[0].post(.json(["n": .number(Double(i))])) } }
        try await eventually("the stopped receiver is given up", within: 120) {
            try await thread.run { bench.value.transport.statistics.peersGivenUp == 1 }
        }
        let atGiveUp = try await thread.run { bench.value.transport.statistics }
        // What its queue took, the one post that waited, then one attempt per retry: delays doubling
        // from 100 us to 20 ms fill the 200 ms in at most 8 + 10 retries (fewer on a slow machine).
        #expect(atGiveUp.sendAttempts <= atGiveUp.sent + 1 + 18, "\(atGiveUp)")
        #expect(atGiveUp.backlogged == 0 && atGiveUp.lost == 50 - atGiveUp.sent)

        // Given up: no timer tries it again, and posts drop its frames, probing it at most every 20 ms.
        let start = ContinuousClock.now
        try await thread.run { for _ in 0..<1000 { bench.value.endpoints[0].post(.json(["x": 1])) } }
        let elapsed = ContinuousClock.now - start
        try await Task.sleep(for: .milliseconds(300))
        let after = try await thread.run { bench.value.transport.statistics }
        let probes = after.sendAttempts - atGiveUp.sendAttempts
        #expect(probes <= 1 + Int(elapsed / .microseconds(maxRetryMicroseconds)), "\(probes) in \(elapsed)")
        #expect(after.notSentToUnresponsive == 1000)  // a probe into a full queue is not sent either
        #expect(after.sent == atGiveUp.sent && after.backlogged == 0)

        // Heard from again (any frame carrying its id): it is sent to again.
        stopped.drain()
        let path = try await thread.run { bench.value.endpoints[0].path }
        #expect(sendRawDatagram(Array(#"{"type":"TAB_PING","tabId":"stopped","timestamp":1}"#.utf8), to: path))
        try await eventually("the receiver is sent to again", within: 120) {
            try await thread.run { bench.value.transport.statistics.peersResumed == 1 }
        }
        try await thread.run { bench.value.endpoints[0].post(.json(["back": true])) }
        #expect(try await thread.run { bench.value.transport.statistics.sent } == after.sent + 1)
        #expect(stopped.drain() == [#"{"back":true}"#])
        try await thread.run { bench.value.endpoints[0].close() }
        try await thread.shutdown()
    }

    /// A receiver that is only slow loses nothing: its backlog waits, and goes out as it reads.
    @Test func aSlowReceiverGetsItsWholeBacklog() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path)
        try await thread.run { try bench.value.open("a") }
        let slow = try DatagramSocket(boundTo: temp.path + "/chan/slow.sock")
        defer { slow.close() }
        try await thread.run { for i in 0..<100 { bench.value.endpoints[0].post(.json(["n": .number(Double(i))])) } }
        var received: [String] = []
        try await eventually("all 100 frames arrive", within: 120) {
            received += slow.drain()
            return received.count == 100
        }
        #expect(received == (0..<100).map { #"{"n":\#($0)}"# })
        let stats = try await thread.run { bench.value.transport.statistics }
        #expect(stats.lost == 0 && stats.peersGivenUp == 0 && stats.backlogged == 0)
        try await thread.run { bench.value.endpoints[0].close() }
        try await thread.shutdown()
    }
}

/// A datagram socket bound in a channel directory that reads only when told to: a stopped
/// process's socket, or a slow one's.
struct DatagramSocket {
    let fd: CInt

    init(boundTo path: String) throws {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(fd >= 0 && bound == 0)
    }

    /// Every datagram waiting in its queue, as text.
    @discardableResult
    func drain() -> [String] {
        var texts: [String] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else { return texts }
            texts.append(String(decoding: buffer.prefix(count), as: UTF8.self))
        }
    }

    func close() { _ = Glibc.close(fd) }
}
