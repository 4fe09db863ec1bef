import Foundation
import Testing
import TabSync

@testable import TabSimulator

/// External tabs (issue 25): a process implementing the spec plays a tab over JSON lines, in
/// lockstep with the virtual clock. The protocol is checked with a scripted link (no process), the
/// failures with tiny shell scripts, and the spec tab with Node (`Examples/external`).
@Suite struct ExternalTabTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let specTab = "node \(root.path)/Examples/external/spec-tab.mjs"

    /// Node on the PATH. Under CI=true the Node tests run anyway (and fail without it): .ci/run installs it.
    static let nodeAvailable: Bool = {
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/node") }
    }()

    /// A link that answers from a function of the request, in process, and keeps every request.
    final class ScriptedLink: ExternalTabLink {
        var requests: [StateDocument] = []
        let answer: (StateDocument) -> String
        init(_ answer: @escaping (StateDocument) -> String) { self.answer = answer }
        func exchange(_ line: String) throws(ExternalTabFailure) -> String {
            let request = JSONValue(jsonText: line)?.objectValue ?? [:]
            requests.append(request)
            return answer(request)
        }
        func terminate() {}
    }

    static func world(
        external: String = "X", link: (any ExternalTabLink)? = nil, deadlineMs: Int = 10_000,
        election: Bool = true
    ) -> SimulationOptions {
        var config = BroadcastSyncConfig(channelName: "ext")
        config.enableLeaderElection = election
        config.leaderHeartbeatMs = 1000
        config.excludeKeys = ["sessionToken"]
        var options = SimulationOptions(seed: 3, config: config, initialState: ["theme": "light"])
        options.externalTabs[external] = "scripted"
        options.externalDeadlineMs = deadlineMs
        if let link { options.externalLauncher = { _ throws(ExternalTabFailure) in link } }
        return options
    }

    /// init names the tab, its channel, the spec's config fields, a seed and the state; its answer
    /// gives the tab id; start follows at once, and the frames it posts reach the engine's tabs.
    @Test func startSendsInitThenStartAndPostsTheFrames() throws {
        let link = ScriptedLink { r in
            switch r["type"]?.stringValue {
            case "init": #"{"tabId":"tab-0-ext000","frames":[]}"#
            case "start":
                #"{"frames":[{"type":"TAB_PING","tabId":"tab-0-ext000","timestamp":0}],"role":"follower"}"#
            default: #"{}"#
            }
        }
        let sim = try Simulation(options: Self.world(link: link))
        try sim.open("A")
        let x = try sim.open("X")
        #expect(x.isExternal && x.tabId == "tab-0-ext000" && x.role == .follower)
        let types = link.requests.map { $0["type"]?.stringValue }
        #expect(Array(types.prefix(2)) == ["init", "start"])
        let initial = link.requests[0]
        #expect(initial["tab"] == "X" && initial["channelName"] == "ext" && initial["state"] == ["theme": "light"])
        #expect(initial["config"]?.objectValue?["excludeKeys"] == ["sessionToken"])
        #expect(initial["config"]?.objectValue?["leaderHeartbeatMs"] == 1000)
        #expect(initial["seed"]?.numberValue != nil && initial["at"] == 0 && initial["wall"] == 0)
        sim.advance(byMs: 50)
        // A heard X's ping: it counts X (the one other tab).
        #expect(sim.tab(named: "A")!.connectedTabs == 1)
        // X hears A's frames as JSON objects, each with the time it arrived.
        let delivered = link.requests.filter { $0["type"] == "deliver" }
        #expect(!delivered.isEmpty)
        #expect(delivered.allSatisfy { $0["frame"]?.objectValue?["tabId"]?.stringValue == sim.tab(named: "A")!.tabId })
    }

    /// Time moves in lockstep: the process is asked to `advance` exactly at the deadline it gave,
    /// and not before; a store change it reports is mirrored in its tab.
    @Test func advanceComesExactlyAtTheNextDeadline() throws {
        var ticks: [Int] = []
        let link = ScriptedLink { r in
            let at = r["at"]?.intValue ?? -1
            switch r["type"]?.stringValue {
            case "init": return #"{"tabId":"tab-0-ext000"}"#
            case "start": return #"{"next":1234}"#
            case "advance":
                ticks.append(at)
                return #"{"changes":{"ticks":\#(ticks.count)},"next":\#(at + 1000)}"#
            default: return #"{}"#
            }
        }
        let sim = try Simulation(options: Self.world(link: link, election: false))
        try sim.open("X")
        sim.advance(byMs: 1233)
        #expect(ticks.isEmpty)
        sim.advance(byMs: 1)
        #expect(ticks == [1234])
        sim.advance(byMs: 3000)
        #expect(ticks == [1234, 2234, 3234, 4234])
        #expect(sim.tab(named: "X")!.state["ticks"] == 4)
        #expect(sim.externalFailures.isEmpty)
    }

    /// A frozen external tab gets nothing until it thaws: then what queued, in order.
    @Test func aFrozenExternalTabHearsNothingUntilItThaws() throws {
        let link = ScriptedLink { r in r["type"] == "init" ? #"{"tabId":"tab-0-ext000"}"# : #"{}"# }
        let sim = try Simulation(options: Self.world(link: link))
        try sim.open("X")
        try sim.freeze("X")
        let before = link.requests.count
        try sim.open("A")
        sim.advance(byMs: 500)
        #expect(link.requests.count == before)
        try sim.thaw("X")
        #expect(link.requests.dropFirst(before).allSatisfy { $0["type"] == "deliver" && $0["at"] == 500 })
        #expect(link.requests.count > before)
    }

    /// A process that exits is an error naming the tab and how it ended; the tab counts as
    /// crashed, the checker reports it, and the simulation goes on.
    @Test func aCrashIsAnErrorNamingTheTab() throws {
        var options = Self.world()
        options.externalTabs["X"] =
            #"read line; echo "{\"tabId\":\"tab-0-x\"}"; read line; printf 'dying\033[2J' >&2; exit 3"#
        let sim = try Simulation(options: options)
        try sim.open("A")
        let x = try sim.open("X")
        #expect(x.liveness == .crashed)
        let failure = try #require(sim.externalFailures.first)
        #expect(failure.hasPrefix("external tab X ("))
        #expect(failure.contains("exited with status 3 instead of answering"))
        #expect(failure.contains("its standard error ends: dying"))
        #expect(!failure.contains("\u{1B}"), "what a process writes reaches a terminal escaped")
        #expect(sim.violations.contains { $0.property == "external tab answers" })
        sim.advance(byMs: 5000)
        #expect(sim.tab(named: "A")!.isLeader)
    }

    /// A process that never answers fails at the deadline (here 300 ms of wall time), not never.
    @Test func aHangIsAnErrorAtTheDeadline() throws {
        var options = Self.world(deadlineMs: 300)
        options.externalTabs["X"] = "exec sleep 30"
        let sim = try Simulation(options: options)
        let started = ContinuousClock.now
        #expect(throws: SimulationError.self) { try sim.open("X") }
        #expect(ContinuousClock.now - started < .seconds(25))
        let failure = try #require(sim.externalFailures.first)
        #expect(failure.contains("external tab X (exec sleep 30): no answer within 300 ms of wall time"))
        #expect(sim.tab(named: "X") == nil)
    }

    @Test(arguments: [
        ("echo 'not json'", "answered 'init' with a malformed line: not a JSON object: not json"),
        (#"echo '{"frames":[]}'"#, "its answer to 'init' has no 'tabId'"),
        (#"echo '{"tabId":"a b"}'"#, "its tabId must be 1 to 256 bytes"),
        (#"echo '{"tabId":"t","next":0}'"#, "'next' is 0, not after the time of the request (0)"),
        (#"echo '{"tabId":"t","frames":{}}'"#, "'frames' must be a list"),
        (#"echo '{"tabId":"t","colour":1}'"#, "unknown field 'colour'"),
        (#"echo '{"error":"no module"}'"#, "reported an error: no module"),
    ])
    func aMalformedAnswerIsAnErrorNamingTheProblem(script: String, problem: String) throws {
        var options = Self.world()
        options.externalTabs["X"] = "read line; " + script + ""
        let sim = try Simulation(options: options)
        do {
            try sim.open("X")
            Issue.record("opened")
        } catch {
            #expect(error.message.hasPrefix("external tab X ("))
            #expect(error.message.contains(problem), "\(error.message)")
        }
    }

    /// A malformed answer after the start: the tab crashes, the run goes on, the error is kept.
    @Test func aMalformedAnswerLaterCrashesTheTab() throws {
        var options = Self.world()
        options.externalTabs["X"] = #"read l; echo '{"tabId":"tab-0-x"}'; read l; echo '{}'; read l; echo '{"role":7}'"#
        let sim = try Simulation(options: options)
        try sim.open("X")
        try sim.open("A")
        sim.advance(byMs: 100)
        #expect(sim.tab(named: "X")!.liveness == .crashed)
        #expect(
            sim.externalFailures.first?.contains("answered 'deliver' with a malformed line: 'role' must be") == true)
    }

    /// The scenario file's `command:` goes with `open` only.
    @Test func scenarioCommandsOpenExternalTabs() throws {
        let yaml = """
            steps:
              - {at: 0ms, open: A}
              - {at: 0ms, open: B, command: "node x.mjs"}
            """
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "x.yaml")
        #expect(scenario.options.externalTabs == ["B": "node x.mjs"])
        #expect(try ScenarioWriter.yaml(scenario).contains(#"open: "B", command: "node x.mjs"}"#))
        #expect(throws: ScenarioError.self) {
            try ScenarioParser.parse(yaml: "steps:\n  - {at: 0ms, kill: A, command: x}\n", file: "y.yaml")
        }
    }

    // MARK: - The spec tab, in Node

    static func play(_ file: String) throws -> (results: [ExpectationResult], sim: Simulation) {
        var scenario = try ScenarioParser.load(path: root.appendingPathComponent("Examples/\(file)").path)
        for (tab, _) in scenario.options.externalTabs { scenario.options.externalTabs[tab] = specTab }
        let player = try ScenarioPlayer(scenario: scenario)
        return (try player.playToEnd(), player.simulation)
    }

    /// TabSync tabs and spec tabs on one channel elect one leader, all follow it, and converge.
    @Test(.enabled(if: nodeAvailable, "needs node on the PATH (.ci/run installs it)"))
    func aMixedChannelElectsOneLeaderAndConverges() throws {
        let (results, sim) = try Self.play("25-spec-tab-mixed-channel.yaml")
        for r in results where !r.passed { Issue.record("\(r.text)") }
        #expect(sim.tabs.filter(\.isExternal).count == 2)
        #expect(sim.externalFailures.isEmpty)
        #expect(sim.violations.isEmpty)
    }

    /// What the spec's own design gets wrong is flagged: arrival order diverges under a concurrent
    /// edit (where TabSync's tabs converge), and a spec tab writes an excluded key another tab sent.
    @Test(.enabled(if: nodeAvailable, "needs node on the PATH (.ci/run installs it)"))
    func theSpecTabsKnownFaultsAreFlagged() throws {
        let (arrival, arrivalSim) = try Self.play("26-spec-tab-arrival-order.yaml")
        for r in arrival where !r.passed { Issue.record("\(r.text)") }
        #expect(arrivalSim.tabs.contains { $0.isExternal })
        let (excluded, excludedSim) = try Self.play("27-spec-tab-excluded-key-on-receipt.yaml")
        for r in excluded where !r.passed { Issue.record("\(r.text)") }
        let flagged = excludedSim.violations.filter { $0.property == "excluded key never applied from the wire" }
        #expect(!flagged.isEmpty)
        // Only the spec tab wrote it: TabSync's tabs filter what they receive.
        for v in flagged { #expect(v.detail.hasPrefix("S wrote 'sessionToken'"), "\(v.detail)") }
    }

    /// The same seed gives the same run, byte for byte, with a process in it.
    @Test(.enabled(if: nodeAvailable, "needs node on the PATH (.ci/run installs it)"))
    func theSameSeedGivesTheSameRun() throws {
        let a = try Self.play("25-spec-tab-mixed-channel.yaml").sim
        let b = try Self.play("25-spec-tab-mixed-channel.yaml").sim
        #expect(a.exportJSONLines() == b.exportJSONLines())
        #expect(a.describeTabs() == b.describeTabs())
    }

    /// The harness loads any module exporting createBroadcastSync: here the spec tab, as a module.
    @Test(.enabled(if: nodeAvailable, "needs node on the PATH (.ci/run installs it)"))
    func theHarnessRunsAModule() throws {
        var options = Self.world()
        let dir = Self.root.appendingPathComponent("Examples/external").path
        options.externalTabs["X"] = "node \(dir)/node-tab.mjs \(dir)/spec-tab.mjs"
        let sim = try Simulation(options: options)
        try sim.open("A")
        try sim.open("X")
        sim.advance(byMs: 3000)
        try sim.set("X", ["theme": "dark"])
        sim.advance(byMs: 1000)
        #expect(sim.tab(named: "A")!.state["theme"] == "dark")
        #expect(sim.leaders.count == 1 && sim.tab(named: "X")!.leaderId == sim.leaders[0].tabId)
        options.externalTabs["X"] = "node \(dir)/node-tab.mjs /nonexistent/module.mjs"
        let broken = try Simulation(options: options)
        #expect(throws: SimulationError.self) { try broken.open("X") }
        #expect(broken.externalFailures.first?.contains("reported an error") == true)
    }

    /// The fuzzer plays its last tab by the command, under its faults; the run it writes out opens
    /// that tab with the command again and replays the same.
    @Test(.enabled(if: nodeAvailable, "needs node on the PATH (.ci/run installs it)"))
    func theFuzzerMixesAnExternalTabIn() throws {
        var options = Fuzzer.Options()
        options.tabs = 3
        options.chaosMs = 5000
        options.externalCommand = Self.specTab
        let outcome = Fuzzer(options: options).run(seed: 2)
        #expect(outcome.coverage["open"] == 3)
        #expect(outcome.scenarioYAML.contains("open: \"C\", command: \"\(Self.specTab)\"}"))
        #expect(!outcome.violations.contains { $0.property == "external tab answers" })
        let replay = try ScenarioPlayer(scenario: ScenarioParser.parse(yaml: outcome.scenarioYAML, file: "fuzz.yaml"))
        _ = try replay.playToEnd()
        #expect(replay.simulation.describeTabs() == outcome.finalTabs)
        #expect(replay.simulation.tab(named: "C")?.isExternal == true)
    }
}
