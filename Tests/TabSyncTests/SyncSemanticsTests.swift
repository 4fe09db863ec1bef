import Logging
import Synchronization
import Testing
import TabSync

@Suite struct SyncSemanticsTests {
    @Test func excludedKeysNeverLeaveTheTab() throws {
        let bench = Bench()
        let ex: (inout BroadcastSyncConfig) -> Void = {
            $0.excludeKeys = ["sessionToken"]
            $0.throttleMs = 0
        }
        let a = try bench.tab(["theme": "light", "sessionToken": "a"], id: "A", configure: ex)
        bench.advance(1000)
        try a.store.setState(["theme": "dark", "sessionToken": "rotated"])
        a.broadcastState(keys: ["theme", "sessionToken"])
        a.broadcastState()
        let b = try bench.tab(["sessionToken": "b"], id: "B", configure: ex)  // asks for state: A answers
        bench.advance(1000)
        #expect(b.store.state == ["theme": "dark", "sessionToken": "b"])
        let carried = bench.allSent.flatMap { Array($0.payload?.state?.keys ?? [:].keys) + ($0.payload?.keys ?? []) }
        #expect(!carried.contains("sessionToken"))
        #expect(carried.contains("theme"))
        #expect(bench.sent(.stateResponse, by: a).count == 1)
    }

    @Test func joiningTabAdoptsExistingStateAndItsDefaultsNeverClobber() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "dark", "locale": "fr-FR"], id: "A")
        bench.advance(1000)
        let b = try bench.tab(["theme": "light", "locale": "en-US"], id: "B")
        try b.store.setState(["theme": "light"])  // the app writes its default right after start: held
        try b.store.setState(["fontSize": 20])  // a key the others lack: sent after the join
        #expect(b.isJoining)
        bench.advance(100)
        #expect(!b.isJoining)
        #expect(a.store.state["theme"] == "dark")
        #expect(b.store.state["theme"] == "dark" && b.store.state["locale"] == "fr-FR")
        #expect(a.store.state["fontSize"] == 20)
        #expect(bench.sent(.stateUpdate, by: b).allSatisfy { $0.payload?.keys == ["fontSize"] })
    }

    @Test func oneTabAnswersTheOldest() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "dark"], id: "A")
        bench.advance(10)
        let b = try bench.tab(["theme": "dark"], id: "B")
        bench.advance(1000)
        try b.store.setState(["theme": "dark"])
        let c = try bench.tab(["theme": "light"], id: "C")
        bench.advance(100)
        #expect(bench.sent(.stateResponse, by: a).filter { $0.payload?.targetId == "C" }.count == 1)
        #expect(bench.sent(.stateResponse, by: b).filter { $0.payload?.targetId == "C" }.count == 0)
        #expect(b.statistics.ignored >= 1)  // "an older tab answers"
        #expect(c.statistics.applied == 1)
        #expect(c.store["theme"] == "dark")
    }

    @Test func tabsStartingTogetherConvergeOnTheOldest() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "dark"], id: "A")
        let b = try bench.tab(["theme": "light"], id: "B")
        bench.advance(1000)
        #expect(a.store["theme"] == "dark")
        #expect(b.store["theme"] == "dark")
    }

    @Test func shouldSyncGatesOutgoingChanges() throws {
        let bench = Bench()
        let gate: (inout BroadcastSyncConfig) -> Void = { $0.shouldSync = { _, next in next["loggedIn"] == true } }
        let a = try bench.tab(["theme": "light", "loggedIn": false], id: "A", configure: gate)
        let b = try bench.tab(["theme": "light", "loggedIn": false], id: "B", configure: gate)
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(200)
        #expect(b.store["theme"] == "light")
        try a.store.setState(["loggedIn": true, "theme": "system"])
        bench.advance(200)
        #expect(b.store["theme"] == "system")
    }

    @Test func callbacksFireExactlyWhenTheSpecSays() throws {
        let bench = Bench()
        var states: [SyncState] = []
        var updates: [([String], String)] = []
        let a = try bench.tab(["theme": "light", "locale": "en"], id: "A") {
            $0.enableLeaderElection = true
            $0.onSyncStateChange = { states.append($0) }
            $0.onRemoteUpdate = { updates.append(($0, $1)) }
        }
        bench.advance(1000)
        let b = try bench.tab(["theme": "light", "locale": "en"], id: "B") { $0.enableLeaderElection = true }
        bench.advance(1000)
        try b.store.setState(["theme": "dark", "locale": "en"])  // locale unchanged: not reported
        bench.advance(100)
        try b.store.setState(["theme": "dark"])  // no change at all: nothing sent, nothing reported
        bench.advance(100)
        b.forceLeader()
        bench.advance(100)
        a.stop()
        #expect(states == [.connected, .leader, .follower, .disconnected])
        #expect(updates.count == 1)
        #expect(updates.first?.0 == ["theme"] && updates.first?.1 == "B")
    }

    @Test func stopCancelsEveryTimerAndNothingFiresAfter() throws {
        let bench = Bench()
        let a = try bench.tab(["x": 1], id: "A") {
            $0.enableLeaderElection = true
            $0.debounceMs = 500
        }
        let b = try bench.tab(["x": 1], id: "B") { $0.enableLeaderElection = true }
        bench.advance(2000)
        try a.store.setState(["x": 2])  // a pending debounce
        let task = a.whileLeader(everyMs: 100) {}
        #expect(a.scheduledTimerCount > 0)
        a.stop()
        #expect(a.scheduledTimerCount == 0)
        #expect(!a.isActive())
        let count = bench.allSent.filter { $0.tabId == "A" }.count
        bench.advance(60_000)
        #expect(bench.allSent.filter { $0.tabId == "A" }.count == count)
        #expect(!task.isRunning)
        #expect(b.isLeader())
    }

    @Test func unavailableTransportDegradesGracefully() throws {
        let scheduler = VirtualScheduler()
        var states: [SyncState] = []
        var config = BroadcastSyncConfig(channelName: "x")
        config.onSyncStateChange = { states.append($0) }
        config.enableLeaderElection = true
        let sync = try BroadcastSync(
            store: Store(["a": 1]), config: config,
            environment: SyncEnvironment(virtual: scheduler, transport: UnavailableTransport()))
        sync.start()
        try sync.store.setState(["a": 2])
        sync.forceLeader()
        sync.requestState()
        sync.broadcastState()
        scheduler.advance(byMs: 10_000)
        #expect(!sync.isActive())
        #expect(!sync.isLeader())
        #expect(sync.syncState == .disconnected)
        #expect(sync.statistics.sentTotal == 0)
        #expect(sync.scheduledTimerCount == 0)
        sync.stop()
        #expect(states.isEmpty)  // already disconnected: nothing changed
    }

    @Test func debugLinesFollowTheSpecFormatThroughSwiftLog() throws {
        let lines = LineCollector()
        let bench = Bench()
        let logger = Logger(label: "test") { _ in CapturingHandler(lines: lines) }
        let a = try bench.tab(["theme": "light", "locale": "en"], id: "tab-1-abc123") {
            $0.debug = true
            $0.logger = logger
        }
        let b = try bench.tab(["theme": "light", "locale": "en"], id: "tab-2-def456")
        bench.advance(2500)
        withExtendedLifetime((a, b)) {}
        let all = lines.all
        #expect(all.first == "[BroadcastSync:abc123] Started")
        #expect(all.contains("[BroadcastSync:abc123] Sent: TAB_PING {\"priority\":0}"))  // the first: no digest
        // A pong sent while still joining carries no digest either; the next ping, once settled, does.
        #expect(all.contains { $0.hasPrefix("[BroadcastSync:abc123] Sent: TAB_PONG {") && !$0.contains("digest") })
        #expect(all.contains { $0.hasPrefix("[BroadcastSync:abc123] Sent: TAB_PING {\"config\":\"") })
        #expect(all.contains("[BroadcastSync:abc123] Received: TAB_PING from def456"))
        #expect(all.contains { $0.hasPrefix("[BroadcastSync:abc123] Sent: STATE_REQUEST {") })
    }

    @Test func appliedLineNamesSenderAndKeys() throws {
        let lines = LineCollector()
        let bench = Bench()
        let logger = Logger(label: "test") { _ in CapturingHandler(lines: lines) }
        let a = try bench.tab(["theme": "light", "locale": "en"], id: "tab-1-abc123") {
            $0.debug = true
            $0.logger = logger
        }
        let b = try bench.tab(["theme": "light", "locale": "en"], id: "tab-2-def456")
        bench.advance(1000)
        try b.store.setState(["theme": "dark", "locale": "fr"])
        bench.advance(10)
        withExtendedLifetime(a) {}
        #expect(lines.all.contains("[BroadcastSync:abc123] Received: STATE_UPDATE from def456"))
        #expect(lines.all.contains("[BroadcastSync:abc123] Applied remote state from def456 ['locale', 'theme']"))
    }
}

/// Lines logged through swift-log, collected across the handler's copies.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}

struct CapturingHandler: LogHandler {
    let lines: LineCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { lines.append("\(event.message)") }
}

@Suite struct AppliedCountTests {
    /// A tab nobody observes takes the engine's fast path for an update of the keys it last heard
    /// written together. A duplicate of that update loses there (equal versions are one write); it
    /// used to count as applied, with the keys of the delivery before it.
    @Test func aDuplicatedUpdateCountsOnceWhereNobodyObserves() throws {
        let bench = Bench()
        let a = try bench.tab(["n": 0], id: "A") { $0.throttleMs = 0 }
        var config = BroadcastSyncConfig(channelName: "test")
        config.throttleMs = 0
        let b = try BroadcastSync(
            store: Store(["n": 0]), config: config,
            environment: SyncEnvironment(
                clock: bench.scheduler, scheduler: bench.scheduler, transport: bench.hub,
                random: SeededRandom(seed: 99), tabId: "B"))
        b.start()
        bench.advance(1000)
        try a.store.setState(["n": 1])
        bench.advance(10)
        #expect(b.store["n"] == 1)
        let before = b.statistics.applied
        bench.hub.deliveryPolicy = { _, _, _ in [1, 1] }  // every frame arrives twice
        try a.store.setState(["n": 2])
        bench.advance(10)
        #expect(b.store["n"] == 2)
        #expect(b.statistics.applied == before + 1)
        #expect(b.statistics.received[.stateUpdate] == 3)
        b.stop()
    }
}
