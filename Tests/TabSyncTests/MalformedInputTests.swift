import Testing
import TabSync

/// Whatever arrives on the channel, nothing crashes and nothing is half-applied.
@Suite struct MalformedInputTests {
    func setUp() throws -> (Bench, BroadcastSync, any ChannelEndpoint) {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "n": 1], id: "A") { $0.maxMessageBytes = 10_000 }
        bench.advance(1000)
        let sender = try #require(
            bench.hub.open(channelName: "test", ownerId: "X", scheduler: bench.scheduler) { _ in })
        return (bench, a, sender)
    }

    @Test(
        arguments: [
            (JSONValue.string("hello"), "message is not an object"),
            (["tabId": "X", "timestamp": 1], "missing field 'type'"),
            (["type": "STATE_EXPLODE", "tabId": "X", "timestamp": 1], "unknown type 'STATE_EXPLODE'"),
            (["type": "STATE_UPDATE", "timestamp": 1], "missing field 'tabId'"),
            (["type": "STATE_UPDATE", "tabId": 5, "timestamp": 1], "field 'tabId' is not a string"),
            (["type": "STATE_UPDATE", "tabId": "X", "timestamp": "now"], "field 'timestamp' is not an integer"),
            (
                [
                    "type": "STATE_UPDATE", "tabId": "X", "timestamp": 1,
                    "payload": ["state": ["theme": "dark"], "keys": "theme"],
                ], "field 'payload.keys' is not an array"
            ),
            (
                [
                    "type": "STATE_UPDATE", "tabId": "X", "timestamp": 1,
                    "payload": ["state": ["theme": "dark"], "stamps": ["theme": 3]],
                ], "field 'payload.stamps.theme' is not {counter, time, tabId}"
            ),
            (
                ["type": "STATE_UPDATE", "tabId": "X", "timestamp": 1, "payload": ["keys": ["theme"]]],
                "STATE_UPDATE without payload.state"
            ),
            (
                ["type": "STATE_UPDATE", "tabId": "", "timestamp": 1, "payload": ["state": ["theme": "dark"]]],
                "empty tabId"
            ),
        ] as [(JSONValue, String)])
    func malformedFramesAreDroppedAndCounted(frame: JSONValue, reason: String) throws {
        let (bench, a, sender) = try setUp()
        var drops: [String] = []
        let before = bench.events.count
        sender.post(.json(frame))
        bench.advance(10)
        for e in bench.events[before...] {
            if case .dropped(let r, let detail, _) = e.event, r == .malformed { drops.append(detail) }
        }
        #expect(drops == [reason])
        #expect(a.statistics.dropped[.malformed] == 1)
        #expect(a.store.state == ["theme": "light", "n": 1])
    }

    @Test func wellFormedJSONFromAnotherImplementationIsApplied() throws {
        let (bench, a, sender) = try setUp()
        // A spec-only tab: no keys, no stamps, no version.
        sender.post(
            .json(["type": "STATE_UPDATE", "tabId": "X", "timestamp": 5, "payload": ["state": ["theme": "dark"]]]))
        bench.advance(10)
        #expect(a.store["theme"] == "dark")
        #expect(a.statistics.droppedTotal == 0)
    }

    @Test func aMessageWithThisTabsIdIsAnIdCollision() throws {
        let (bench, a, sender) = try setUp()
        sender.post(
            .message(
                SyncMessage(type: .stateUpdate, tabId: "A", timestamp: 0, payload: .init(state: ["theme": "dark"]))))
        sender.post(
            .message(
                SyncMessage(type: .leaderAnnounce, tabId: "A", timestamp: 0, payload: .init(leaderId: "A", epoch: 9))))
        bench.advance(10)
        #expect(a.statistics.dropped[.idCollision] == 2)
        #expect(a.store["theme"] == "light")
    }

    @Test func oversizedPayloadsAreDroppedWhole() throws {
        let (bench, a, sender) = try setUp()
        let big = JSONValue.string(String(repeating: "x", count: 20_000))
        sender.post(
            .message(
                SyncMessage(
                    type: .stateUpdate, tabId: "X", timestamp: 0, payload: .init(state: ["theme": "dark", "n": big]))))
        sender.post(
            .json([
                "type": "STATE_UPDATE", "tabId": "X", "timestamp": 1,
                "payload": ["state": ["theme": "dark", "n": big]],
            ]))
        bench.advance(10)
        #expect(a.statistics.dropped[.oversized] == 2)
        #expect(a.store.state == ["theme": "light", "n": 1])
    }

    @Test func messagesRoundTripThroughJSONWithTheSpecsFieldNames() throws {
        let m = SyncMessage(
            type: .leaderAnnounce, tabId: "tab-1-abc", timestamp: 42,
            payload: .init(state: ["theme": "dark"], keys: ["theme"], leaderId: "tab-1-abc", priority: 7, epoch: 3))
        let text = m.jsonText
        #expect(
            text
                == #"{"payload":{"epoch":3,"keys":["theme"],"leaderId":"tab-1-abc","priority":7,"state":{"theme":"dark"}},"tabId":"tab-1-abc","timestamp":42,"type":"LEADER_ANNOUNCE","version":1}"#
        )
        #expect(try SyncMessage(json: m.json) == m)
        for type in SyncMessageType.allCases {
            let x = SyncMessage(type: type, tabId: "t", timestamp: 1)
            #expect(try SyncMessage(json: x.json) == x)
        }
    }
}

@Suite struct ConfigurationTests {
    enum Broken: String, CaseIterable, Sendable {
        case channelName, throttleMs, debounceMs, leaderHeartbeatMs, leaderTimeoutMs, customResolver, syncKeys,
            tabTimeoutMs, excludeKeys

        func apply(_ c: inout BroadcastSyncConfig) {
            switch self {
            case .channelName: c.channelName = "  "
            case .throttleMs: c.throttleMs = -1
            case .debounceMs: c.debounceMs = -5
            case .leaderHeartbeatMs: c.leaderHeartbeatMs = 0
            case .leaderTimeoutMs: c.leaderTimeoutMs = 100
            case .customResolver: c.conflictStrategy = .custom
            case .syncKeys:
                c.syncKeys = ["theme"]
                c.excludeKeys = ["theme"]
            case .tabTimeoutMs: c.tabTimeoutMs = 10
            case .excludeKeys: c.excludeKeys = [""]
            }
        }
    }

    @Test(arguments: Broken.allCases)
    func invalidConfigurationsNameTheField(broken: Broken) {
        var config = BroadcastSyncConfig(channelName: "app")
        broken.apply(&config)
        let scheduler = VirtualScheduler()
        do {
            _ = try BroadcastSync(
                store: Store(), config: config,
                environment: SyncEnvironment(virtual: scheduler, transport: InMemoryHub()))
            Issue.record("\(broken) was accepted")
        } catch {
            #expect(error.field == broken.rawValue)
            #expect(error.description.contains(broken.rawValue))
        }
    }

    @Test func specDefaults() {
        let c = BroadcastSyncConfig(channelName: "app")
        #expect(c.throttleMs == 100)
        #expect(c.debounceMs == 0)
        #expect(c.leaderHeartbeatMs == 5000)
        #expect(c.conflictStrategy == .lastWriteWins)
        #expect(!c.enableLeaderElection)
        #expect(!c.debug)
        #expect(c.syncKeys.isEmpty && c.excludeKeys.isEmpty)
        #expect(c.effectiveLeaderTimeoutMs == 15_000)
    }
}
