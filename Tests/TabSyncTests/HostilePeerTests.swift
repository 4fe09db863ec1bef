import Testing
@testable import TabSync

/// Issue 12: what a hostile or buggy peer, or a hostile configuration, must not be able to do.
@Suite struct HostilePeerTests {
    /// Tab A (excluding `sessionToken`, leader election on) and a probe endpoint `X` that posts frames.
    func setUp() throws -> (Bench, BroadcastSync, any ChannelEndpoint) {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "sessionToken": "mine"], id: "A") {
            $0.excludeKeys = ["sessionToken"]
            $0.enableLeaderElection = true
            $0.leaderHeartbeatMs = 1000
        }
        bench.advance(1000)
        let sender = try #require(
            bench.hub.open(
                channelName: "test", ownerId: "X",
                scheduler: bench.scheduler
            ) { _ in })
        return (bench, a, sender)
    }

    @Test func keysThatDisagreeWithStateWriteNothing() throws {
        let (bench, a, sender) = try setUp()
        // The same number of entries, so a fast path taking `state` whole would write sessionToken.
        sender.post(
            .json([
                "type": "STATE_UPDATE", "tabId": "X", "timestamp": 5,
                "payload": ["keys": ["theme"], "state": ["sessionToken": "stolen"]],
            ]))
        sender.post(
            .json([
                "type": "STATE_UPDATE", "tabId": "X", "timestamp": 6,
                "payload": [
                    "keys": ["theme", "theme"],
                    "state": ["theme": "dark", "sessionToken": "stolen"],
                ],
            ]))
        sender.post(
            .json([
                "type": "STATE_RESPONSE", "tabId": "X", "timestamp": 7,
                "payload": [
                    "keys": ["theme"], "state": ["theme": "dark"],
                    "stamps": ["sessionToken": ["counter": 1, "time": 1, "tabId": "X"]],
                ],
            ]))
        bench.advance(10)
        #expect(a.store["sessionToken"] == "mine")
        #expect(a.store["theme"] == "light")
        #expect(a.statistics.dropped[.inconsistentKeys] == 3)
        let details = bench.events.compactMap { e -> String? in
            if case .dropped(.inconsistentKeys, let detail, "X") = e.event { detail } else { nil }
        }
        #expect(
            details == [
                "state holds 'sessionToken', which keys does not list",
                "key 'theme' listed twice in keys", "stamps name 'sessionToken', which keys does not list",
            ])
        // A removal (a listed key absent from state, from a tab that speaks this protocol's
        // version: a spec tab's listing is not one) is still a well-formed message.
        sender.post(
            .json([
                "type": "STATE_UPDATE", "tabId": "X", "timestamp": 8, "version": 1,
                "payload": ["keys": ["theme"], "state": [:]],
            ]))
        bench.advance(10)
        #expect(a.store["theme"] == nil)
    }

    @Test(
        arguments: [
            ("LEADER_ANNOUNCE", ["leaderId": "X", "epoch": .number(Double(Int.max))], "payload.epoch"),
            ("LEADER_ANNOUNCE", ["leaderId": "X", "epoch": -1], "payload.epoch"),
            ("LEADER_ELECTION", ["priority": .number(-1e16)], "payload.priority"),
            ("STATE_REQUEST", ["requestId": -5], "payload.requestId"),
        ] as [(String, JSONValue, String)])
    func numbersOutsideTheirRangeMakeTheFrameMalformed(type: String, payload: JSONValue, field: String) throws {
        let (bench, a, sender) = try setUp()
        sender.post(.json(["type": .string(type), "tabId": "X", "timestamp": 1, "payload": payload]))
        bench.advance(10)
        #expect(a.statistics.dropped[.malformed] == 1)
        #expect(
            bench.events.contains { e in
                guard case .dropped(.malformed, let detail, "X") = e.event else { return false }
                return detail.hasPrefix("field '\(field)' is ")
            })
        #expect(a.isLeader())
    }

    /// The frame that crashed every tab: a typed message (no JSON on the way) with the largest epoch.
    @Test func theLargestEpochCrashesNothing() throws {
        let (bench, a, sender) = try setUp()
        for epoch in [Int.max, SyncMessage.maxSafeInteger + 1] {
            sender.post(
                .message(
                    SyncMessage(
                        type: .leaderAnnounce, tabId: "X", timestamp: 1,
                        payload: .init(leaderId: "X", priority: 0, epoch: epoch))))
        }
        sender.post(
            .message(
                SyncMessage(
                    type: .stateUpdate, tabId: "X", timestamp: WallClockInstant(ms: .min),
                    payload: .init(state: ["theme": "x"]))))
        bench.advance(10)
        #expect(a.statistics.dropped[.malformed] == 3)
        a.forceLeader()  // the next election: term + 1
        #expect(a.isLeader())
        #expect(a.epoch == 2)
        #expect(a.store["theme"] == "light")
    }

    @Test(arguments: [
        "throttleMs", "debounceMs", "leaderHeartbeatMs", "leaderTimeoutMs", "electionTimeoutMs",
        "tabPingIntervalMs", "tabTimeoutMs", "joinTimeoutMs",
    ])
    func durationsLongerThanADayAreRefusedByName(field: String) throws {
        for value in [Int.max, Int.max / 3, BroadcastSyncConfig.maxDurationMs + 1] {
            var config = BroadcastSyncConfig(channelName: "c")
            switch field {
            case "throttleMs": config.throttleMs = value
            case "debounceMs": config.debounceMs = value
            case "leaderHeartbeatMs": config.leaderHeartbeatMs = value
            case "leaderTimeoutMs": config.leaderTimeoutMs = value
            case "electionTimeoutMs": config.electionTimeoutMs = value
            case "tabPingIntervalMs": config.tabPingIntervalMs = value
            case "tabTimeoutMs": config.tabTimeoutMs = value
            default: config.joinTimeoutMs = value
            }
            let refusal = ConfigurationError(field: field, reason: "must be at most one day (86400000), got \(value)")
            #expect(throws: refusal) {
                try config.validate()
            }
        }
    }

    @Test func longestDurationsRunWithoutOverflow() throws {
        let bench = Bench()
        let day = BroadcastSyncConfig.maxDurationMs
        let a = try bench.tab(["n": 0], id: "A") {
            $0.enableLeaderElection = true
            $0.leaderHeartbeatMs = day - 1
            $0.leaderTimeoutMs = day
            $0.electionTimeoutMs = day
            $0.tabPingIntervalMs = day - 1
            $0.tabTimeoutMs = day
            $0.joinTimeoutMs = day
            $0.throttleMs = day
            $0.debounceMs = day
        }
        try a.store.setState(["n": 1])
        a.whileLeader(everyMs: .max) {}
        bench.advance(10 * day)
        #expect(a.isLeader())
    }

    @Test func aFrameWithThisTabsIdIsReportedAsAnIdCollision() throws {
        let (bench, a, sender) = try setUp()
        sender.post(.json(["type": "TAB_PING", "tabId": "A", "timestamp": 1]))
        bench.advance(10)
        #expect(a.statistics.dropped == [.idCollision: 1])
        #expect(
            bench.events.contains { e in
                if case .dropped(.idCollision, "sender id is this tab's own id", "A") = e.event { true } else { false }
            })
    }

    /// Ids come from the system generator by default: two tabs made in the same millisecond (the
    /// same clock) differ. With the old seed of 0 both were `tab-0-<same six characters>`.
    @Test func defaultEnvironmentIdsDoNotCollide() throws {
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub()
        let ids = try (0..<20).map { _ in
            let environment = SyncEnvironment(clock: scheduler, scheduler: scheduler, transport: hub)
            return try BroadcastSync(
                store: Store(), config: BroadcastSyncConfig(channelName: "c"),
                environment: environment
            ).tabId
        }
        #expect(Set(ids).count == 20)
    }

    @Test func aSlotReusedUpToItsLimitIsRetiredAndOldTokensCancelNothing() {
        let scheduler = VirtualScheduler(maxGeneration: 3)
        var tokens: [TimerToken] = []
        for _ in 0..<10 {
            tokens.append(scheduler.schedule(afterMs: 5) {})
            scheduler.cancel(tokens.last!)
        }
        #expect(Set(tokens).count == 10)
        #expect(tokens.allSatisfy { $0.raw >> 32 < 3 && $0.raw < 1 << 61 })
        var ran = false
        let live = scheduler.schedule(afterMs: 5) { ran = true }
        for old in tokens { scheduler.cancel(old) }
        scheduler.advance(byMs: 5)
        #expect(ran)
        #expect(!tokens.contains(live))
    }
}
