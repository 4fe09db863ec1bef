import PropertyBased
import Testing
import TabSync

/// Writers edit while hearing only some of each other's messages (so their writes are partly
/// causal, partly concurrent, some at the same millisecond); every STATE_UPDATE they send is kept.
/// Then each replica receives all of them in its own random order, some twice. The strategies
/// that converge must leave every replica with the same state: their merge is commutative,
/// associative and idempotent.
@Suite struct ConvergencePropertyTests {
    static func writes(seed: Int, strategy: ConflictStrategy) throws -> [ChannelFrame] {
        var random = SeededRandom(seed: UInt64(seed))
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 1)
        var frames: [ChannelFrame] = []
        hub.observer = { event in
            if case .posted(_, let frame, _) = event, case .message(let m) = frame, m.type == .stateUpdate {
                frames.append(frame)
            }
        }
        var drops = SeededRandom(seed: UInt64(seed) &+ 1)
        hub.deliveryPolicy = { _, _, _ in Bool.random(using: &drops) ? [] : [Int.random(in: 0...3, using: &drops)] }
        var config = BroadcastSyncConfig(channelName: "p")
        config.throttleMs = 0
        config.joinTimeoutMs = 0
        config.conflictStrategy = strategy
        let writers = try (0..<3).map { i in
            try BroadcastSync(
                store: Store(["theme": "light", "prefs": ["a": 0]]), config: config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "W\(i)"))
        }
        for w in writers { w.start() }
        scheduler.advance(byMs: 5)
        for _ in 0..<40 {
            let w = writers.randomElement(using: &random)!
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1:
                try w.store.setState(["theme": .string(["dark", "light", "system"].randomElement(using: &random)!)])
            case 2: w.store.removeKeys(["theme"])
            default:
                var prefs = w.store["prefs"]?.objectValue ?? [:]
                let field = ["a", "b", "c"].randomElement(using: &random)!
                prefs[field] =
                    Bool.random(using: &random) ? nil : .number(Double(Int.random(in: 0...9, using: &random)))
                try w.store.setState(["prefs": Int.random(in: 0..<8, using: &random) == 0 ? "scalar" : .object(prefs)])
            }
            scheduler.advance(byMs: Int.random(in: 0...2, using: &random))
        }
        scheduler.advance(byMs: 10)
        return frames
    }

    /// The synced state each replica ends with after receiving `frames` in its own order.
    static func replicas(_ frames: [ChannelFrame], strategy: ConflictStrategy, seed: Int) throws -> [StateDocument] {
        var random = SeededRandom(seed: UInt64(seed) &+ 2)
        return try (0..<4).map { i in
            let scheduler = VirtualScheduler()
            let hub = InMemoryHub(latencyMs: 0)
            var config = BroadcastSyncConfig(channelName: "p")
            config.conflictStrategy = strategy
            let replica = try BroadcastSync(
                store: Store(["theme": "light", "prefs": ["a": 0]]), config: config,
                environment: SyncEnvironment(virtual: scheduler, transport: hub, tabId: "R\(i)"))
            replica.start()
            let probe = hub.open(channelName: "p", ownerId: "probe", scheduler: scheduler) { _ in }!
            scheduler.advance(byMs: 1000)  // the join ends unanswered
            var order = frames + frames.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
            order.shuffle(using: &random)
            for frame in order {
                probe.post(frame)
                scheduler.advance(byMs: 1)
            }
            return replica.store.state
        }
    }

    @Test(arguments: [ConflictStrategy.lastWriteWins, .firstWriteWins, .merge])
    func anyOrderAndDuplicatesLeaveReplicasEqual(strategy: ConflictStrategy) async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...1_000_000)) { seed in
            let frames = try Self.writes(seed: seed, strategy: strategy)
            #expect(frames.count > 10)
            let states = try Self.replicas(frames, strategy: strategy, seed: seed)
            #expect(Set(states.map { JSONValue.object($0).description }).count == 1, "seed \(seed): \(states)")
        }
    }

    /// Seeds the property once failed on under merge: fields dropped under a non-object value, and
    /// a removed field above one, made the merge depend on the order.
    @Test(arguments: [159160, 854894])
    func mergeSeedsFoundBefore(seed: Int) throws {
        let frames = try Self.writes(seed: seed, strategy: .merge)
        let states = try Self.replicas(frames, strategy: .merge, seed: seed)
        #expect(Set(states.map { JSONValue.object($0).description }).count == 1, "\(states)")
    }

    /// The control: in arrival order the same deliveries leave replicas apart.
    @Test func arrivalOrderLeavesReplicasApart() throws {
        let apart = try (0..<10).filter { seed in
            let frames = try Self.writes(seed: seed, strategy: .arrivalOrder)
            return Set(
                try Self.replicas(frames, strategy: .arrivalOrder, seed: seed).map { JSONValue.object($0).description }
            ).count > 1
        }
        #expect(apart.count >= 5)
    }
}

@Suite struct VersionTests {
    @Test func aLocalWriteOrdersAfterTheValueItReplaces() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A") { $0.throttleMs = 0 }
        let b = try bench.tab(["theme": "light"], id: "B") { $0.throttleMs = 0 }
        bench.advance(1000)
        #expect(a.version(of: "theme") == KeyVersion(counter: 0, time: 0, tabId: "A"))
        #expect(b.version(of: "theme") == KeyVersion(counter: 0, time: 0, tabId: "A"))  // adopted A's default
        try a.store.setState(["theme": "dark"])
        bench.advance(10)
        try b.store.setState(["theme": "system"])
        bench.advance(10)
        #expect(a.version(of: "theme") == KeyVersion(counter: 1, time: 1010, tabId: "B"))
        #expect(a.keyVersions == b.keyVersions)
        #expect(a.digest == b.digest)
    }

    /// A store subscriber that writes in reaction to a remote change makes a local write: versioned
    /// after the remote one, and sent (it used to be discarded as an echo of the remote change).
    @Test func aSubscribersReactionIsSent() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "seen": 0], id: "A") { $0.throttleMs = 100 }
        let b = try bench.tab(["theme": "light", "seen": 0], id: "B") { $0.throttleMs = 100 }
        bench.advance(1000)
        b.store.subscribe { change in
            if case .remote = change.origin, change.changedKeys.contains("theme") {
                try b.store.setState(["theme": .string("reacted-" + (change.next["theme"]?.stringValue ?? ""))])
            }
        }
        try a.store.setState(["theme": "dark"])
        bench.advance(500)
        #expect(b.store["theme"] == "reacted-dark")
        #expect(a.store["theme"] == "reacted-dark")
        // Written when A's value arrived (1 ms after A wrote it), after it, and adopted by A.
        #expect(b.version(of: "theme") == KeyVersion(counter: 1, time: 1001, tabId: "B"))
        #expect(a.version(of: "theme") == b.version(of: "theme"))
    }

    /// stop() during a join sends the tab's own edits: they are versioned writes, applied elsewhere
    /// only where they win. Its defaults are never sent.
    @Test func stopDuringAJoinSendsTheTabsOwnEdits() throws {
        let bench = Bench(latencyMs: 100)
        let a = try bench.tab(["theme": "dark", "locale": "fr"], id: "A")
        bench.advance(1000)
        let b = try bench.tab(["theme": "light", "locale": "en"], id: "B")
        try b.store.setState(["locale": "de"])
        #expect(b.isJoining)
        b.stop()
        bench.advance(500)
        #expect(a.store.state == ["theme": "dark", "locale": "de"])
        let sent = bench.sent(.stateUpdate, by: b)
        #expect(sent.count == 1 && sent[0].payload?.keys == ["locale"])
    }

    /// A spec-only tab's STATE_UPDATE (no versions) is still understood: a write by its sender.
    @Test func anUpdateWithoutVersionsIsAWrite() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A")
        bench.advance(1000)
        let probe = bench.hub.open(channelName: "test", ownerId: "old", scheduler: bench.scheduler) { _ in }!
        probe.post(
            .json([
                "type": "STATE_UPDATE", "tabId": "old", "timestamp": 1000,
                "payload": ["state": ["theme": "dark"]],
            ]))
        bench.advance(10)
        #expect(a.store["theme"] == "dark")
        #expect(a.version(of: "theme") == KeyVersion(counter: 1, time: 1000, tabId: "old"))
    }

    /// Each received value that met a different local one and was kept, or replaced though not
    /// plainly later, is logged with both versions.
    @Test func keptAndReplacedValuesAreLoggedWithBothVersions() throws {
        let bench = Bench()
        let fww: (inout BroadcastSyncConfig) -> Void = {
            $0.conflictStrategy = .firstWriteWins
            $0.throttleMs = 0
        }
        let a = try bench.tab(["theme": "light"], id: "tab-1-aaaaaa", configure: fww)
        let b = try bench.tab(["theme": "light"], id: "tab-2-bbbbbb", configure: fww)
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        try b.store.setState(["theme": "system"])
        bench.advance(10)
        let lines = bench.events.map(\.event.debugText)
        #expect(lines.contains("Kept theme=\"dark\" (v1 by aaaaaa) over v1 by bbbbbb"))
        #expect(lines.contains("Replaced theme=\"system\" (v1 by bbbbbb) with \"dark\" (v1 by aaaaaa)"))
        #expect(a.store["theme"] == "dark" && b.store["theme"] == "dark")
    }

    /// An answer to a state request holds only the keys whose value would change the requester's.
    @Test func anAnswerCarriesOnlyWhatDiffers() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "locale": "en", "size": 1], id: "A")
        let b = try bench.tab(["theme": "light", "locale": "en", "size": 1], id: "B")
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(10)
        b.requestState()
        bench.advance(10)
        let answer = bench.sent(.stateResponse, by: a).last
        #expect(answer?.payload?.keys == [])  // B already holds everything A holds
        bench.crash(b)
        try a.store.setState(["size": 2])
        bench.advance(10)
        bench.silenced.removeAll()
        b.requestState()
        bench.advance(10)
        #expect(bench.sent(.stateResponse, by: a).last?.payload?.keys == ["size"])
        #expect(b.store["size"] == 2)
    }

    /// Two objects' fields edited concurrently in different tabs both survive under merge; the
    /// same field settles on its higher version; a removed field propagates.
    @Test func mergeKeepsConcurrentFieldEdits() throws {
        let bench = Bench()
        let merge: (inout BroadcastSyncConfig) -> Void = {
            $0.conflictStrategy = .merge
            $0.throttleMs = 0
        }
        let a = try bench.tab(["s": ["x": 0, "y": 0, "z": 0]], id: "A", configure: merge)
        let b = try bench.tab(["s": ["x": 0, "y": 0, "z": 0]], id: "B", configure: merge)
        bench.advance(1000)
        try a.store.setState(["s": ["x": 1, "y": 0, "z": 0]])
        try b.store.setState(["s": ["x": 0, "y": 2]])  // y changed, z removed
        bench.advance(10)
        #expect(a.store["s"] == ["x": 1, "y": 2])
        #expect(b.store["s"] == ["x": 1, "y": 2])
        try a.store.setState(["s": ["x": 5, "y": 2]])
        try b.store.setState(["s": ["x": 6, "y": 2]])
        bench.advance(10)
        #expect(a.store["s"] == b.store["s"])
        #expect(a.store["s"] == ["x": 6, "y": 2])  // same counter, same time: the later tab id
    }
}
