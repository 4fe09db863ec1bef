import Foundation
import Testing
import TabSync
@testable import TabSimulator

/// The JSON wire (`SimulationOptions.wireJSON`): frames go through bytes as between processes, the
/// run stays deterministic, and the typed mode is untouched.
@Suite struct WireModeTests {
    /// A message with every field the engine sends, edge values included.
    static let fullMessage = SyncMessage(
        type: .stateResponse, tabId: "tab-1-abcdef", timestamp: WallClockInstant(ms: -4_200),
        payload: SyncMessage.Payload(
            state: ["theme": "dark", "n": 9_007_199_254_740_991, "x": 0.1, "o": ["a": [true, nil, -0.5]], "e": ""],
            keys: ["theme", "n", "x", "o", "e", "gone"], leaderId: "tab-2-zzzzzz",
            priority: WallClockInstant(ms: 1_700_000_000_000), epoch: 3, requestId: 7, targetId: "tab-3-yyyyyy",
            stamps: ["theme": KeyVersion(counter: 2, time: WallClockInstant(ms: -9_007_199_254_740_991), tabId: "t")],
            counter: 1, fieldStamps: ["o": ["a": KeyVersion(counter: 1, time: WallClockInstant(ms: 5), tabId: "u")]],
            digest: "0123456789abcdef", peers: ["tab-4-xxxxxx": WallClockInstant(ms: 12)]))

    @Test func aMessageBecomesJSONThatDecodesToTheSameMessage() throws {
        let frame = WireTransport.roundTrip(.message(Self.fullMessage))
        guard case .json(let json) = frame else {
            Issue.record("a frame on the JSON wire arrives as JSON, got \(frame)")
            return
        }
        #expect(try SyncMessage(json: json) == Self.fullMessage)
        #expect(frame.jsonBytes == ChannelFrame.message(Self.fullMessage).jsonBytes)
    }

    @Test func bytesThatAreNotJSONArriveAsAString() {
        let read = ChannelFrame.reading(Array("{not json".utf8))
        guard case .json(.string(let text)) = read.frame else {
            Issue.record("not JSON")
            return
        }
        #expect(text == "{not json")
        #expect(!read.isJSON)
    }

    /// What a probe endpoint on the channel receives from a tab, in each mode.
    func framesFromATab(wire: Bool) throws -> [ChannelFrame] {
        var options = SimulationOptions(seed: 3, config: BroadcastSyncConfig(channelName: "c"))
        options.wireJSON = wire
        let sim = try Simulation(options: options)
        var frames: [ChannelFrame] = []
        let probe = sim.hub.open(channelName: "c", ownerId: "probe", scheduler: sim.scheduler) { frames.append($0) }
        try sim.open("A", state: ["theme": "light"])
        sim.advance(byMs: 100)
        try sim.set("A", ["theme": "dark"])
        sim.advance(byMs: 500)
        probe?.close()
        return frames
    }

    @Test func receiversGetDecodedJSONOnlyOnTheWire() throws {
        let typed = try framesFromATab(wire: false)
        let wire = try framesFromATab(wire: true)
        #expect(typed.count >= 2 && typed.count == wire.count)
        for (t, w) in zip(typed, wire) {
            guard case .message(let m) = t, case .json(let json) = w else {
                Issue.record("typed \(t), wire \(w)")
                continue
            }
            #expect(try SyncMessage(json: json) == m)
        }
    }

    static let session = """
        seed: 9
        config: {channelName: app, syncKeys: [theme, n, layout], conflictStrategy: merge, enableLeaderElection: true, leaderHeartbeatMs: 500}
        network: {latencyMs: [1, 40], drop: 0.1, duplicate: 0.1, reorder: 0.3}
        initialState: {theme: light, n: 0, layout: {a: 1}}
        steps:
          - {at: 0ms, open: A}
          - {at: 0ms, open: B}
          - {at: 100ms, open: C}
          - {at: 200ms, clockSkew: {tab: C, ms: -300}}
          - {at: 1s, workload: {editsPerSecond: 10, keys: [theme, n], until: 6s}}
          - {at: 2s, set: {tab: A, layout: {a: 2, b: [1, 2.5]}}}
          - {at: 2s, freeze: A}
          - {at: 3s, partition: [[B], [A, C]]}
          - {at: 5s, thaw: A}
          - {at: 6s, heal: all}
          - {at: 12s, expect: {converged: true}}
          - {at: 12s, expect: {winners: merge}}
        """

    func log(_ yaml: String, wire: Bool) throws -> String {
        var scenario = try ScenarioParser.parse(yaml: yaml, file: "s.yaml")
        scenario.options.wireJSON = wire
        let player = try ScenarioPlayer(scenario: scenario)
        let results = try player.playToEnd()
        for r in results where !r.passed { Issue.record("\(r.text)") }
        return player.simulation.exportJSONLines()
    }

    @Test func theWireRunIsDeterministicAndLogsWhatTheTypedRunLogs() throws {
        let wire = try log(Self.session, wire: true)
        #expect(wire.split(separator: "\n").count > 200)
        #expect(try log(Self.session, wire: true) == wire)
        // Every value round-trips exactly, so the tabs do exactly what they do with typed frames.
        #expect(try log(Self.session, wire: false) == wire)
    }

    /// Every example tells the same story on the JSON wire: the same log, line for line.
    @Test(arguments: ExampleScenarioTests.examples)
    func anExampleLogsTheSameOnTheWire(_ path: String) throws {
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        let typed = try log(yaml, wire: false)
        let wire = try log(yaml, wire: true)
        #expect(typed == wire, "\(path)")
    }

    @Test func aScenarioTurnsTheWireOnAndTheWriterKeepsIt() throws {
        let yaml = """
            wireJSON: true
            config: {channelName: app, syncKeys: [theme, locale], conflictStrategy: last-write-wins}
            tabConfig: {C: {conflictStrategy: first-write-wins, syncKeys: [theme]}}
            steps:
              - {at: 0ms, open: A}
              - {at: 0ms, open: C}
            """
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "w.yaml")
        #expect(scenario.options.wireJSON)
        let c = try #require(scenario.options.tabConfigs["C"])
        #expect(c.conflictStrategy == .firstWriteWins && c.syncKeys == ["theme"] && c.channelName == "app")
        let again = try ScenarioParser.parse(yaml: ScenarioWriter.yaml(scenario), file: "w2.yaml")
        #expect(again.options.wireJSON)
        #expect(again.options.tabConfigs["C"]?.conflictStrategy == .firstWriteWins)
        #expect(again.options.tabConfigs["C"]?.syncKeys == ["theme"])
        #expect(try ScenarioParser.parse(yaml: "steps: []", file: "x.yaml").options.wireJSON == false)
    }
}
