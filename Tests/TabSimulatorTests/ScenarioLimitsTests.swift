import Foundation
import Testing
import TabSync
@testable import TabSimulator

/// Scenario files cannot exhaust the tool: size, nesting and alias expansion are limited, and the
/// error names the file, the line and the limit (issue 12).
@Suite struct ScenarioLimitsTests {
    func problem(_ yaml: String) -> ScenarioError? {
        do { _ = try ScenarioParser.parse(yaml: yaml, file: "x.yaml") } catch { return error }
        return nil
    }

    /// Ten levels of ten aliases in initialState: ten billion values once expanded. It ran for more
    /// than 30 s and grew past 3 GB; it is refused after walking 100 000 of them.
    @Test func anAliasBombIsRefusedNamingTheLimit() throws {
        var levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...10 {
            levels.append("&a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let values = levels.enumerated().map { "v\($0.offset): \($0.element)" }.joined(separator: ", ")
        let yaml = "initialState: {" + values + "}\nsteps:\n  - {at: 0ms, open: A}\n"
        let error = try #require(problem(yaml))
        #expect(error.description == "x.yaml:1: more than 100000 values once aliases are expanded (the limit)")
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000), String(repeating: "- ", count: 100_000) + "x",
        "name: don't stop\nsteps: " + String(repeating: "[", count: 100_000),
        (0..<70).map { String(repeating: " ", count: $0 * 2) + "k\($0):" }
            .joined(separator: "\n") + " x",
    ])
    func deepNestingIsRefusedBeforeTheParserRecurses(yaml: String) throws {
        let error = try #require(problem(yaml))
        #expect(error.problem == "nested too deeply (the limit is 64 levels)", "\(error)")
        #expect(error.line != nil)
    }

    @Test func nestingWithinTheLimitIsRead() throws {
        let state = String(repeating: "{a: ", count: 40) + "1" + String(repeating: "}", count: 40)
        let yaml = "initialState: \(state)\nsteps:\n  - {at: 0ms, open: A}\n"
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "x.yaml")
        #expect(scenario.options.initialState["a"] != nil)
    }

    @Test func anEndlessDeviceOrAnOversizedFileIsRefused() throws {
        let zero = try #require(throws: ScenarioError.self) { try ScenarioParser.load(path: "/dev/zero") }
        #expect(zero.problem == "is a character device, not a regular file")
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: big) }
        let text = "# " + String(repeating: "x", count: 1 << 20) + "\nsteps: []\n"
        try text.write(toFile: big, atomically: true, encoding: .utf8)
        #expect(throws: ScenarioError(file: big, line: nil, problem: "larger than the limit of 1048576 bytes")) {
            try ScenarioParser.load(path: big)
        }
    }

    @Test(arguments: [
        (
            "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, clockSkew: {tab: A, ms: -9223372036854775808}}\n",
            "x.yaml:3: ms must be between -31536000000 and 31536000000, got -9223372036854775808"
        ),
        (
            "config: {leaderHeartbeatMs: 3074457345618258602}\nsteps: []\n",
            "x.yaml:1: leaderHeartbeatMs must be between -9007199254740991 and 9007199254740991, got 3074457345618258602"
        ),
        (
            "config: {tabPingIntervalMs: 86400001}\nsteps: []\n",
            "x.yaml:1: invalid configuration: tabPingIntervalMs must be at most one day (86400000), got 86400001"
        ),
        (
            "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, background: {tab: A, throttleMs: 9223372036854775807}}\n",
            "x.yaml:3: throttleMs must be between 0 and 86400000, got 9223372036854775807"
        ),
        ("seed: -1\nsteps: []\n", "x.yaml:1: seed must be an integer from 0 to 18446744073709551615"),
        (
            "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, expect: {sent: {tab: A, type: TAB_PING, count: -3}}}\n",
            "x.yaml:3: count must be between 0 and 9007199254740991, got -3"
        ),
    ])
    func numbersOutsideTheirRangeNameFileLineAndRange(yaml: String, message: String) throws {
        let error = try #require(problem(yaml))
        #expect(error.description == message)
    }

    /// A file that opens `tabs` tabs at once, with `extra` steps after.
    static func opening(_ tabs: Int, then extra: [String] = [], config: String = "{channelName: c}") -> String {
        "config: \(config)\nsteps:\n" + (0..<tabs).map { "  - {at: 0ms, open: T\($0)}\n" }.joined()
            + extra.map { "  - \($0)\n" }.joined()
    }

    /// 2000 tabs ran for minutes (every frame goes to every tab): the 27th open is refused at its line.
    @Test func openingMoreTabsThanTheLimitIsRefusedAtTheOpenPastIt() throws {
        #expect(problem(Self.opening(26)) == nil)
        let error = try #require(problem(Self.opening(2000)))
        #expect(
            error.description
                == "x.yaml:29: tab 'T26' is one tab past the limit of 26 tabs a scenario may open (ScenarioLimits.maxTabs)"
        )
    }

    /// 9500 TAB_PINGs from distinct ids ran for 78 s in 2.1 GB: the 101st inject is refused at its line.
    @Test func injectingMoreFramesThanTheLimitIsRefusedAtTheInjectPastIt() throws {
        let injects = (0..<150).map {
            "{at: 1s, inject: {raw: '{\"type\":\"TAB_PING\",\"tabId\":\"x\($0)\",\"timestamp\":1}'}}"
        }
        #expect(problem(Self.opening(2, then: Array(injects.prefix(100)))) == nil)
        let error = try #require(problem(Self.opening(2, then: injects)))
        #expect(
            error.description
                == "x.yaml:105: one inject past the limit of 100 injected frames a scenario may have (ScenarioLimits.maxInjects)"
        )
    }

    @Test func aStepPastTheTimeLimitIsRefusedAtItsLine() throws {
        #expect(problem(Self.opening(1, then: ["{at: 60m, heal: true}"])) == nil)
        let error = try #require(problem(Self.opening(1, then: ["{at: 61m, heal: true}"])))
        #expect(
            error.description
                == "x.yaml:4: bad time '61m' for at: past the limit of 60m of simulated time (ScenarioLimits.maxTimeMs)"
        )
    }

    func play(_ yaml: String) throws -> ScenarioPlayer {
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: yaml, file: "x.yaml"))
        _ = try player.playToEnd()
        return player
    }

    /// 26 tabs on the smallest timers allowed (10 ms): within every limit of the file, a run of minutes.
    /// It stops at the event limit, naming it and the step it was reaching; the limit is of
    /// simulated events, so where it stops is the same on any machine.
    @Test func aRunPastTheEventLimitStopsNamingItAndTheStep() throws {
        let hot =
            "{channelName: c, enableLeaderElection: true, leaderHeartbeatMs: 10, leaderTimeoutMs: 11, "
            + "electionTimeoutMs: 1, tabPingIntervalMs: 10, tabTimeoutMs: 11}"
        let yaml = Self.opening(26, then: ["{at: 10s, expect: {converged: true}}"], config: hot)
        let error = try #require(throws: ScenarioError.self) { try play(yaml) }
        #expect(error.line == 29)
        #expect(
            error.problem.hasPrefix(
                "the run reaches the limit of 100000 simulated events (timers and message deliveries; "
                    + "ScenarioLimits.maxEvents) at "),
            "\(error)")
    }

    /// A 1000-key state broadcast to 25 tabs: few events, but each costs a thousand values (200
    /// broadcasts took 40 s in a debug build). It stops at the delivered-value limit.
    @Test func aRunPastTheDeliveredValueLimitStopsNamingItAndTheStep() throws {
        let state = "initialState: {" + (0..<1000).map { "k\($0): \($0)" }.joined(separator: ", ") + "}\n"
        let yaml = state + Self.opening(26, then: (1...200).map { "{at: \($0)s, broadcastState: T0}" })
        let error = try #require(throws: ScenarioError.self) { try play(yaml) }
        #expect(error.line != nil)
        #expect(
            error.problem.hasPrefix("the run reaches the limit of 250000 values delivered in messages"), "\(error)")
    }

    /// Every example and lesson stays well within the run limits.
    @Test func theExamplesStayWithinTheRunLimits() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples")
        let names = try FileManager.default.subpathsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".yaml") }
        #expect(names.count > 20)
        for name in names {
            let player = try play(try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8))
            #expect(player.simulation.scheduler.executedCount < ScenarioLimits.maxEvents / 10, "\(name)")
            #expect(player.simulation.deliveredValues < ScenarioLimits.maxDeliveredValues / 10, "\(name)")
        }
    }
}
