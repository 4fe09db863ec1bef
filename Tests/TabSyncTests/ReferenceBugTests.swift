import Testing
import TabSync

/// One test per bug of the spec's reference implementation (`Documentation/ReferenceBugs.md`).
/// Each fails on the reference's behaviour.
@Suite struct ReferenceBugTests {
    func electing(_ bench: Bench, _ id: String, heartbeat: Milliseconds = 1000) throws -> BroadcastSync {
        try bench.tab(id: id) {
            $0.enableLeaderElection = true
            $0.leaderHeartbeatMs = heartbeat
        }
    }

    @Test("Bug 1: a third tab joining leaves exactly one leader")
    func bug1ThirdTabJoining() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        bench.advance(100)
        let b = try electing(bench, "B")
        bench.advance(2000)
        let c = try electing(bench, "C")
        bench.advance(2000)
        #expect([a, b, c].filter { $0.isLeader() }.map(\.tabId) == ["A"])
        #expect(b.leaderId == "A" && c.leaderId == "A")
    }

    @Test("Bug 1: ten tabs joining one by one leave exactly one leader")
    func bug1TenTabs() throws {
        let bench = Bench()
        var tabs: [BroadcastSync] = []
        for i in 0..<10 {
            tabs.append(try electing(bench, "T\(i)"))
            bench.advance(300)
            #expect(tabs.filter { $0.isLeader() }.count <= 1)
        }
        bench.advance(3000)
        #expect(tabs.filter { $0.isLeader() }.map(\.tabId) == ["T0"])
        #expect(tabs.allSatisfy { $0.leaderId == "T0" })
    }

    @Test("Bug 2: the leader's crash leads to a new leader")
    func bug2CrashReelects() throws {
        let bench = Bench()
        let tabs = try ["A", "B", "C"].map { try electing(bench, $0) }
        bench.advance(2000)
        #expect(tabs[0].isLeader())
        bench.crash(tabs[0])
        bench.advance(3000 + 250 + 1000 + 10)  // leader timeout + election round + at most one heartbeat
        #expect(tabs[1].isLeader())
        #expect(!tabs[2].isLeader() && tabs[2].leaderId == "B")
    }

    @Test("Bug 2: a leader that stops says goodbye and a successor takes over at once")
    func bug2GracefulStop() throws {
        let bench = Bench()
        let tabs = try ["A", "B", "C"].map { try electing(bench, $0) }
        bench.advance(2000)
        tabs[0].stop()
        #expect(bench.sent(.tabClose, by: tabs[0]).first?.payload?.leaderId == "B")
        bench.advance(2)
        #expect(tabs[1].isLeader())
        #expect(tabs[2].leaderId == "B")
    }

    @Test("Bug 3: two tabs created in the same millisecond end with one leader")
    func bug3SameMillisecond() throws {
        let bench = Bench()
        let a = try electing(bench, "tab-0-zzzzzz")
        let b = try electing(bench, "tab-0-aaaaaa")
        #expect(a.priority == b.priority)
        bench.advance(3000)
        #expect([a, b].filter { $0.isLeader() }.map(\.tabId) == ["tab-0-aaaaaa"])
    }

    @Test("Bug 3: ids drawn by the default generator in the same millisecond differ, and one tab leads")
    func bug3DefaultIds() throws {
        let bench = Bench()
        var config = BroadcastSyncConfig(channelName: "test")
        config.enableLeaderElection = true
        let tabs = try (0..<2).map { _ in
            let sync = try BroadcastSync(
                store: Store(), config: config,
                environment: SyncEnvironment(
                    clock: bench.scheduler, scheduler: bench.scheduler, transport: bench.hub))
            sync.start()
            return sync
        }
        #expect(tabs[0].priority == tabs[1].priority)
        #expect(tabs[0].tabId != tabs[1].tabId)
        bench.advance(3000)
        #expect(tabs.filter { $0.isLeader() }.count == 1)
        #expect(tabs.allSatisfy { $0.getConnectedTabs() == 1 && $0.statistics.droppedTotal == 0 })
    }

    @Test("Bug 4: stop within 600 ms of start leaves no leader, no timer and no message")
    func bug4EarlyStop() throws {
        for stopAfter in [0, 50, 100, 300, 599] {
            let bench = Bench()
            let other = try electing(bench, "B")
            bench.advance(1000)
            let a = try bench.tab(id: "A") { $0.enableLeaderElection = true }
            bench.advance(stopAfter)
            a.stop()
            let sentBefore = bench.sent(.heartbeat, by: a).count + bench.sent(.leaderAnnounce, by: a).count
            #expect(a.scheduledTimerCount == 0)
            bench.advance(20_000)
            #expect(!a.isLeader())
            #expect(bench.sent(.heartbeat, by: a).count + bench.sent(.leaderAnnounce, by: a).count == sentBefore)
            #expect(bench.allSent.filter { $0.tabId == "A" }.last?.type == .tabClose)
            #expect(other.isLeader())
        }
    }

    @Test("Bug 4: start, stop within 600 ms, start again (StrictMode) runs one instance's timers, not two")
    func bug4StrictModeRemount() throws {
        for stopAfter in [0, 100, 599] {
            let bench = Bench()
            let other = try electing(bench, "B")
            bench.advance(1000)
            let a = try electing(bench, "A")  // mount
            let control = try electing(bench, "C")  // mounted once, at the same time
            bench.advance(stopAfter)
            a.stop()  // unmount
            a.start()  // mount again
            bench.advance(20_000)
            #expect(other.isLeader() && !a.isLeader() && !control.isLeader())
            #expect(a.leaderId == "B")
            #expect(a.scheduledTimerCount == control.scheduledTimerCount)
            let pings = { (t: BroadcastSync) in bench.sent(.tabPing, by: t).count }
            #expect(pings(a) == pings(control) + 1)  // the one ping of the first mount
            #expect(bench.sent(.heartbeat, by: a).isEmpty)
        }
    }

    @Test("Bug 5: throttle sends every key changed in a window, with its latest value")
    func bug5ThrottleKeepsKeys() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "locale": "en-US", "fontSize": 12], id: "A")
        let b = try bench.tab(["theme": "light", "locale": "en-US", "fontSize": 12], id: "B")
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(10)
        try a.store.setState(["locale": "fr-FR"])
        bench.advance(10)
        try a.store.setState(["fontSize": 16])
        try a.store.setState(["fontSize": 18])
        bench.advance(200)
        #expect(b.store.state == ["theme": "dark", "locale": "fr-FR", "fontSize": 18])
        let updates = bench.sent(.stateUpdate, by: a)
        #expect(updates.count == 2)
        #expect(updates[1].payload?.keys == ["locale", "fontSize"])
    }

    @Test("Bug 5: debounce sends once, after the quiet period, with every key of the burst")
    func bug5DebounceKeepsKeys() throws {
        let bench = Bench()
        let config: (inout BroadcastSyncConfig) -> Void = { $0.debounceMs = 300 }
        let a = try bench.tab(["theme": "light", "locale": "en-US"], id: "A", configure: config)
        let b = try bench.tab(["theme": "light", "locale": "en-US"], id: "B", configure: config)
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(100)
        try a.store.setState(["locale": "de-DE"])
        bench.advance(299)
        #expect(bench.sent(.stateUpdate, by: a).isEmpty)
        bench.advance(10)
        #expect(bench.sent(.stateUpdate, by: a).count == 1)
        #expect(Set(bench.sent(.stateUpdate, by: a)[0].payload?.keys ?? []) == ["theme", "locale"])
        bench.advance(10)
        #expect(b.store.state == ["theme": "dark", "locale": "de-DE"])
    }

    @Test("Bug 5: an answer to STATE_REQUEST is not swallowed by the throttle window")
    func bug5AnswerNotThrottled() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A") { $0.throttleMs = 1000 }
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])  // opens a 1 s window
        bench.advance(5)
        let b = try bench.tab(["theme": "light"], id: "B") { $0.throttleMs = 1000 }
        bench.advance(10)
        #expect(bench.sent(.stateResponse, by: a).count == 1)
        #expect(b.store["theme"] == "dark")
    }

    /// Two tabs under `strategy` that set different themes at the same instant, 100 ms later.
    func concurrentThemeEdit(_ strategy: ConflictStrategy) throws -> (a: BroadcastSync, b: BroadcastSync) {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A") { $0.conflictStrategy = strategy }
        let b = try bench.tab(["theme": "light"], id: "B") { $0.conflictStrategy = strategy }
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        try b.store.setState(["theme": "system"])
        bench.advance(100)
        return (a, b)
    }

    @Test("Bug 6: concurrent edits in arrival order diverge, as the spec's literal wording implies")
    func bug6ArrivalOrderDiverges() throws {
        let (a, b) = try concurrentThemeEdit(.arrivalOrder)
        #expect(a.store["theme"] == "system")
        #expect(b.store["theme"] == "dark")
    }

    @Test("Bug 6: the same concurrent edits under last-write-wins settle on one value (the later tab id)")
    func bug6LastWriteWinsConverges() throws {
        let (a, b) = try concurrentThemeEdit(.lastWriteWins)
        #expect(a.store["theme"] == "system")
        #expect(b.store["theme"] == "system")
        #expect(a.version(of: "theme") == KeyVersion(counter: 1, time: 1000, tabId: "B"))
    }

    @Test("Bug 6: the same concurrent edits under first-write-wins converge")
    func bug6FirstWriteWinsConverges() throws {
        let (a, b) = try concurrentThemeEdit(.firstWriteWins)
        #expect(a.store["theme"] == "dark")
        #expect(b.store["theme"] == "dark")
    }

    @Test("Bug 7: merge replaces non-object values and propagates a removed key and a removed field")
    func bug7Merge() throws {
        let bench = Bench()
        let merge: (inout BroadcastSyncConfig) -> Void = { $0.conflictStrategy = .merge }
        let initial: StateDocument = ["settings": ["a": 1], "tags": ["x"], "count": 1, "old": "gone soon"]
        let a = try bench.tab(initial, id: "A", configure: merge)
        let b = try bench.tab(initial, id: "B", configure: merge)
        bench.advance(1000)
        try a.store.setState(["settings": ["b": 2], "tags": ["y", "z"], "count": 7])
        a.store.removeKeys(["old"])
        bench.advance(300)
        #expect(b.store["settings"] == ["b": 2])  // A's write removed field a: the removal travels
        #expect(b.store["tags"] == ["y", "z"])
        #expect(b.store["count"] == 7)
        #expect(b.store["old"] == nil)
    }

    @Test("Bug 8: first-write-wins applies remote writes to keys this tab never wrote, and earlier writes")
    func bug8FirstWriteWinsApplies() throws {
        let bench = Bench()
        let fww: (inout BroadcastSyncConfig) -> Void = { $0.conflictStrategy = .firstWriteWins }
        let a = try bench.tab(["theme": "light"], id: "A", configure: fww)
        let b = try bench.tab(["theme": "light"], id: "B", configure: fww)
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])  // b never wrote theme: it must take it
        bench.advance(10)
        #expect(b.store["theme"] == "dark")
        let c = try bench.tab(["theme": "light"], id: "C", configure: fww)  // a newcomer adopts the state
        bench.advance(600)
        #expect(c.store["theme"] == "dark")
    }

    @Test("Bug 9: another tab cannot write this tab's excluded key, whatever it sends")
    func bug9ReceiverFilters() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "sessionToken": "mine"], id: "A") { $0.excludeKeys = ["sessionToken"] }
        let b = try bench.tab(["theme": "light", "sessionToken": "theirs"], id: "B")  // no exclusion here
        bench.advance(1000)
        try b.store.setState(["theme": "dark", "sessionToken": "stolen"])
        bench.advance(10)
        #expect(a.store["theme"] == "dark")
        #expect(a.store["sessionToken"] == "mine")
        #expect(a.statistics.refusedKeys >= 1)
    }

    @Test("Bug 9: keys and state that disagree write nothing (the filter judges what is written)")
    func bug9KeysAndStateDisagree() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "sessionToken": "mine"], id: "A") { $0.excludeKeys = ["sessionToken"] }
        bench.advance(1000)
        let sender = try #require(
            bench.hub.open(
                channelName: "test", ownerId: "evil",
                scheduler: bench.scheduler
            ) { _ in })
        // As many entries in keys as in state: a receiver trusting keys would take state whole.
        sender.post(
            .message(
                SyncMessage(
                    type: .stateUpdate, tabId: "evil", timestamp: 0,
                    payload: .init(state: ["sessionToken": "stolen"], keys: ["theme"]))))
        sender.post(
            .message(
                SyncMessage(
                    type: .stateResponse, tabId: "evil", timestamp: 0,
                    payload: .init(
                        state: ["theme": "dark", "sessionToken": "stolen"],
                        keys: ["theme", "theme"]))))
        bench.advance(10)
        #expect(a.store.state == ["theme": "light", "sessionToken": "mine"])
        #expect(a.statistics.dropped[.inconsistentKeys] == 2)
    }

    @Test("Bug 9: syncKeys of the receiver limit what it accepts")
    func bug9ReceiverSyncKeys() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "role": "user"], id: "A") { $0.syncKeys = ["theme"] }
        let b = try bench.tab(["theme": "light", "role": "user"], id: "B")
        bench.advance(1000)
        try b.store.setState(["theme": "dark", "role": "admin"])
        bench.advance(10)
        #expect(a.store.state == ["theme": "dark", "role": "user"])
    }

    @Test("Bug 9: invalid remote values are refused whole")
    func bug9InvalidValues() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "n": 1], id: "A")
        bench.advance(1000)
        let sender = try #require(
            bench.hub.open(channelName: "test", ownerId: "evil", scheduler: bench.scheduler) { _ in })
        var deep: JSONValue = 1
        for _ in 0..<100 { deep = .array([deep]) }
        for state in [["theme": "dark", "n": JSONValue.number(.nan)], ["theme": "dark", "n": deep]] as [StateDocument] {
            sender.post(
                .message(SyncMessage(type: .stateUpdate, tabId: "evil", timestamp: 0, payload: .init(state: state))))
        }
        bench.advance(10)
        #expect(a.store.state == ["theme": "light", "n": 1])
        #expect(a.statistics.dropped[.invalidValue] == 2)
    }

    @Test("Bug 10: the connected count drops a closed tab at once and a crashed one after the timeout")
    func bug10ConnectedCount() throws {
        let bench = Bench()
        let a = try bench.tab(id: "A")
        let b = try bench.tab(id: "B")
        let c = try bench.tab(id: "C")
        bench.advance(100)
        #expect(a.getConnectedTabs() == 2)
        b.stop()
        bench.advance(5)
        #expect(a.getConnectedTabs() == 1)
        bench.crash(c)
        bench.advance(5000)
        #expect(a.getConnectedTabs() == 1)  // not yet: the timeout is 3 pings (6 s)
        bench.advance(1100)
        #expect(a.getConnectedTabs() == 0)
    }

    @Test("Bug 11: applying remote state never echoes, whatever the subscribers do")
    func bug11NoEcho() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "seen": 0], id: "A") { $0.syncKeys = ["theme"] }
        let b = try bench.tab(["theme": "light", "seen": 0], id: "B") { $0.syncKeys = ["theme"] }
        struct Boom: Error {}
        b.store.subscribe { change in
            // Re-entrant, on remote changes: mirror the remote value (no change) and count it (a key that is not synced).
            guard case .remote = change.origin else { return }
            try b.store.setState([
                "theme": change.next["theme"] ?? .null, "seen": .number((change.next["seen"]?.numberValue ?? 0) + 1),
            ])
        }
        b.store.subscribe { _ in throw Boom() }
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(500)
        #expect(b.store["theme"] == "dark")
        #expect(b.store["seen"] == 1)
        #expect(bench.sent(.stateUpdate, by: b).isEmpty)
        #expect(b.store.subscriberErrorCount > 0)
        #expect(bench.sent(.stateUpdate, by: a).count == 1)
    }

    @Test("Bug 11: a subscriber re-entering with a write to a synced key sends that write, and only it")
    func bug11ReentrantWriteOfASyncedKey() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "accent": "blue"], id: "A") { $0.throttleMs = 0 }
        let b = try bench.tab(["theme": "light", "accent": "blue"], id: "B") { $0.throttleMs = 0 }
        b.store.subscribe { change in
            // Derived state, written during the apply: a real local change, which a guard counting
            // "inside apply" would swallow, while the applied theme must not go back out.
            guard case .remote = change.origin, change.changedKeys.contains("theme") else { return }
            try b.store.setState(["accent": change.next["theme"] == "dark" ? "amber" : "blue"])
        }
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(100)
        #expect(bench.sent(.stateUpdate, by: b).map { $0.payload?.keys ?? [] } == [["accent"]])
        #expect(a.store.state == ["theme": "dark", "accent": "amber"])
        #expect(bench.sent(.stateUpdate, by: a).count == 1)
    }

    @Test("Bug 11: a subscriber writing the applied state back later (apply not synchronous) echoes nothing")
    func bug11DeferredWriteBack() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A") { $0.throttleMs = 0 }
        let b = try bench.tab(["theme": "light"], id: "B") { $0.throttleMs = 0 }
        b.store.subscribe { change in
            // A framework that re-renders and writes its whole state back on the next tick, after any
            // "applying remote state" flag around the apply is long cleared.
            guard case .remote = change.origin else { return }
            let state = change.next
            bench.scheduler.schedule(afterMs: 5) { try? b.store.setState(state) }
        }
        bench.advance(1000)
        try a.store.setState(["theme": "dark"])
        bench.advance(100)
        #expect(b.store["theme"] == "dark")
        #expect(bench.sent(.stateUpdate, by: b).isEmpty)
        #expect(bench.sent(.stateUpdate, by: a).count == 1)
    }
}
