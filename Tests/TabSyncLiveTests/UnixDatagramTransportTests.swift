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
            // A test's raw socket reads when the test's task runs, which on a busy machine running
            // the whole suite can wait longer than the default 10 s: it must never count as given up
            // here (DatagramPeerTests test giving up, with short times of their own).
            transport.giveUpMicroseconds = 600_000_000
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
        try await eventually("the stale socket is removed") { access(stale, F_OK) != 0 }
        let stats = try await thread.run { bench.value.transport.statistics }
        #expect(stats.staleSocketsRemoved == 1)
        #expect(stats.sent == 0 && stats.lost == 0)
        try await thread.shutdown()
    }

    /// Another process's socket appears in the directory after this endpoint listed it: the
    /// directory's watch makes the next post find it, with no `stat` per post.
    @Test func aSocketBoundLaterByAnotherProcessIsSentTo() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path)
        try await thread.run {
            try bench.value.open("a")
            bench.value.endpoints[0].post(.json(["alone": true]))
        }
        let later = try DatagramSocket(boundTo: temp.path + "/chan/later.sock")
        defer { later.close() }
        var received: [String] = []
        try await eventually("a frame reaches the later socket") {
            try await thread.run { bench.value.endpoints[0].post(.json(["n": 1])) }
            received += later.drain()
            return !received.isEmpty
        }
        #expect(received.allSatisfy { $0 == #"{"n":1}"# })
        try await thread.run { bench.value.endpoints[0].close() }
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

    /// A receiver that never reads (a stopped process) stalls no one: a post never waits on it
    /// (the first send to a full queue used to block the event loop up to 5 ms), and the other
    /// receivers get every frame. How it is given up on is `DatagramPeerTests`, on the embedded loop.
    @Test func aReceiverThatNeverReadsStallsNeitherTheLoopNorTheOthers() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        // Frames of 60 bytes with a limit of 100: one frame per datagram, as without batching.
        let bench = try await makeBench(thread, root: temp.path, maxFrameBytes: 100)
        try await thread.run { try bench.value.open("a") }
        let stopped = try DatagramSocket(boundTo: temp.path + "/chan/stopped.sock")
        defer { stopped.close() }
        try await thread.run { try bench.value.open("b") }  // a lists the directory again: b opened
        let posting = try await thread.run {
            let start = ContinuousClock.now
            for i in 0..<200 {
                bench.value.endpoints[0].post(.json(["n": .number(Double(i)), "pad": .string(Self.pad)]))
            }
            return ContinuousClock.now - start
        }
        // 190 frames wait for the stopped socket, in its NIO channel: posting them takes a few
        // milliseconds (1 s is a generous bound for a loaded machine).
        #expect(posting < .seconds(1), "200 posts took \(posting)")
        try await eventually("b gets all 200") { try await thread.run { bench.value.received[1].count == 200 } }
        let texts = try await thread.run { bench.value.texts(1) }
        #expect(texts == (0..<200).map { #"{"n":\#($0),"pad":"\#(Self.pad)"}"# })
        let stats = try await thread.run { bench.value.transport.statistics }
        #expect(stats.lost == 0 && stats.backlogged > 0)
        try await thread.run { bench.value.endpoints.forEach { $0.close() } }
        try await thread.shutdown()
    }

    static let pad = String(repeating: "x", count: 42)

    /// The frames posted in one turn of the loop travel together: one datagram per receiver for as
    /// many as fit in the frame limit, and the receiving endpoint hands them on one by one, in order.
    @Test func framesPostedInOneTurnTravelTogetherAndArriveInOrder() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path, maxFrameBytes: 100)
        try await thread.run { try bench.value.open("a") }
        let raw = try DatagramSocket(boundTo: temp.path + "/chan/raw.sock")
        defer { raw.close() }
        try await thread.run {
            try bench.value.open("b")  // a lists the directory again: b opened
            for i in 0..<20 { bench.value.endpoints[0].post(.json(["n": .number(Double(i)), "s": "x\ny"])) }
        }
        let expected = (0..<20).map { #"{"n":\#($0),"s":"x\ny"}"# }
        var datagrams: [String] = []
        try await eventually("the raw socket gets all 20") {
            datagrams += raw.drain()
            return datagrams.flatMap { $0.split(separator: "\n") }.count == 20
        }
        #expect(datagrams.flatMap { $0.split(separator: "\n").map(String.init) } == expected)
        #expect(datagrams.count < 20 && datagrams.allSatisfy { $0.utf8.count <= 100 }, "\(datagrams)")
        try await eventually("b gets all 20") { try await thread.run { bench.value.received[1].count == 20 } }
        #expect(try await thread.run { bench.value.texts(1) } == expected)
        let stats = try await thread.run { bench.value.transport.statistics }
        #expect(stats.framesBatched == 20 && stats.datagramsPacked == datagrams.count)
        try await thread.run { bench.value.endpoints.forEach { $0.close() } }
        try await thread.shutdown()
    }

    /// A datagram of several frames from a process is split at its newlines; a piece that is not
    /// JSON is one undecodable frame, the others are handed on.
    @Test func aDatagramOfSeveralFramesIsSplitAndEachPieceChecked() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path)
        let path = try await thread.run {
            try bench.value.open("a")
            return bench.value.endpoints[0].path
        }
        #expect(sendRawDatagram(Array("{\"x\":1}\nnot json\n{\"y\":2}".utf8), to: path))
        try await eventually("three frames") { try await thread.run { bench.value.received[0].count == 3 } }
        let (texts, stats) = try await thread.run { (bench.value.texts(0), bench.value.transport.statistics) }
        #expect(texts == [#"{"x":1}"#, #""not json""#, #"{"y":2}"#])
        #expect(stats.received == 3 && stats.undecodable == 1)
        try await thread.shutdown()
    }

    /// A receiver that is only slow loses nothing: its backlog waits, and goes out as it reads.
    @Test func aSlowReceiverGetsItsWholeBacklog() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        let thread = LoopThread()
        let bench = try await makeBench(thread, root: temp.path, maxFrameBytes: 100)  // a frame per datagram
        try await thread.run { try bench.value.open("a") }
        let slow = try DatagramSocket(boundTo: temp.path + "/chan/slow.sock")
        defer { slow.close() }
        try await thread.run {
            for i in 0..<100 {
                bench.value.endpoints[0].post(.json(["n": .number(Double(i)), "pad": .string(Self.pad)]))
            }
        }
        var received: [String] = []
        try await eventually("all 100 frames arrive", within: 120) {
            received += slow.drain()
            return received.count == 100
        }
        #expect(received == (0..<100).map { #"{"n":\#($0),"pad":"\#(Self.pad)"}"# })
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
