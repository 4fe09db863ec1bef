import Testing
import TabSync

/// A tab that speaks only the spec's messages shares the channel (issue 25, on the wire): frames
/// as the spec's reference implementation sends them (no `version`, no epochs, no versions), driven
/// into TabSync tabs.
@Suite struct SpecPeerTests {
    /// A spec tab's endpoint, posting raw JSON as it would.
    final class SpecTab {
        let id: String
        let endpoint: any ChannelEndpoint
        let bench: Bench
        init(_ bench: Bench, id: String) {
            self.bench = bench
            self.id = id
            endpoint = bench.hub.open(channelName: "test", ownerId: id, scheduler: bench.scheduler) { _ in }!
        }
        func post(_ type: String, _ payload: JSONValue) {
            endpoint.post(
                .json([
                    "type": .string(type), "tabId": .string(id), "timestamp": .number(Double(bench.scheduler.nowMs)),
                    "payload": payload,
                ]))
        }
    }

    static func electing(_ bench: Bench, _ id: String) throws -> BroadcastSync {
        try bench.tab(["theme": "light"], id: id) {
            $0.enableLeaderElection = true
            $0.leaderHeartbeatMs = 1000
        }
    }

    /// An older spec tab's claim, without an epoch, is taken at the current epoch and wins by age
    /// (it used to be ignored as "stale epoch 0"); a younger one's does not displace the leader.
    @Test func claimsWithoutAnEpochAreOrderedByAge() throws {
        let bench = Bench()
        bench.advance(1000)  // A and B are created at 1000 (their priority)
        let a = try Self.electing(bench, "tab-500-aaaaaa")
        let b = try Self.electing(bench, "tab-600-bbbbbb")
        bench.advance(2000)
        #expect(a.isLeader())
        let younger = SpecTab(bench, id: "tab-9000-young0")
        younger.post("LEADER_ANNOUNCE", ["leaderId": "tab-9000-young0"])
        bench.advance(10)
        #expect(a.isLeader() && b.leaderId == a.tabId)
        let older = SpecTab(bench, id: "tab-100-old000")
        older.post("LEADER_ANNOUNCE", ["leaderId": "tab-100-old000"])
        bench.advance(10)
        #expect(!a.isLeader() && a.leaderId == "tab-100-old000" && b.leaderId == "tab-100-old000")
        #expect(a.epoch == 1)
    }

    /// A spec leader beats every 5 s (the spec's default): TabSync followers with a 1 s heartbeat of
    /// their own wait for it instead of electing every 3 s (32-38 role changes in 15 s before).
    @Test func aSpecLeadersSlowerHeartbeatCausesNoElections() throws {
        let bench = Bench()
        let a = try Self.electing(bench, "tab-500-aaaaaa")
        let b = try Self.electing(bench, "tab-600-bbbbbb")
        let spec = SpecTab(bench, id: "tab-100-spec00")
        spec.post("LEADER_ANNOUNCE", ["leaderId": "tab-100-spec00"])
        bench.advance(100)
        let changes = { bench.events.filter { if case .roleChanged = $0.event { true } else { false } }.count }
        let before = changes()
        for _ in 0..<6 {
            bench.advance(5000)
            spec.post("HEARTBEAT", ["leaderId": "tab-100-spec00"])
        }
        bench.advance(10)
        #expect(changes() == before)
        #expect(a.leaderId == "tab-100-spec00" && b.leaderId == "tab-100-spec00")
        // Silent for good: the followers elect one of themselves after the spec's timeout.
        bench.advance(20_000)
        #expect([a, b].filter { $0.isLeader() }.count == 1)
    }

    /// A leader's goodbye names a successor that will hear it: never a spec tab, which ignores
    /// TAB_CLOSE, even when it is the oldest.
    @Test func aGoodbyeNeverNamesASpecTab() throws {
        let bench = Bench()
        let a = try Self.electing(bench, "tab-500-aaaaaa")
        let b = try Self.electing(bench, "tab-600-bbbbbb")
        bench.advance(2000)
        let spec = SpecTab(bench, id: "tab-100-spec00")
        spec.post("TAB_PING", [:])
        bench.advance(10)
        a.stop()
        bench.advance(10)
        let goodbye = bench.sent(.tabClose, by: a).last
        #expect(goodbye?.payload?.leaderId == b.tabId)
        #expect(b.isLeader())
    }

    /// `broadcastState(['x'])` of a key a spec tab holds no value of lists it without a value: not a
    /// removal (only this engine's tabs, which send versions, remove by listing).
    @Test func aKeyListedWithoutAValueBySpecTabIsNotARemoval() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "dark", "locale": "fr"], id: "A")
        bench.advance(1000)
        let spec = SpecTab(bench, id: "tab-100-spec00")
        spec.post("STATE_UPDATE", ["state": ["locale": "de"], "keys": ["theme", "locale"]])
        bench.advance(10)
        #expect(a.store.state == ["theme": "dark", "locale": "de"])
    }

    /// Repair (anti-entropy) between TabSync tabs asks with STATE_REPAIR, which a spec tab ignores:
    /// a STATE_REQUEST would make it broadcast its full state to everyone, on every repair.
    @Test func repairAsksWithAMessageSpecTabsIgnore() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "tab-500-aaaaaa")
        let b = try bench.tab(["theme": "light"], id: "tab-600-bbbbbb")
        var heard: [SyncMessageType] = []
        let spec = bench.hub.open(channelName: "test", ownerId: "tab-100-spec00", scheduler: bench.scheduler) {
            if case .message(let m) = $0 { heard.append(m.type) }
        }
        defer { spec?.close() }
        bench.advance(2000)
        heard.removeAll()
        // A's update never reaches B: only repair, at the next TAB_PING, brings it.
        var lost = false
        bench.hub.deliveryPolicy = { _, to, frame in
            guard !lost, to == b.tabId, case .message(let m) = frame, m.type == .stateUpdate else { return [1] }
            lost = true
            return []
        }
        try a.store.setState(["theme": "dark"])
        bench.advance(20_000)
        #expect(lost && b.store["theme"] == "dark")
        #expect(heard.contains(.stateRepair))
        #expect(!heard.contains(.stateRequest))
    }
}
