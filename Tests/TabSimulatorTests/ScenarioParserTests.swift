import Testing
import TabSync
@testable import TabSimulator

@Suite struct ScenarioParserTests {
    func parse(_ yaml: String) throws(ScenarioError) -> Scenario {
        try ScenarioParser.parse(yaml: yaml, file: "test.yaml")
    }

    func error(_ yaml: String) -> ScenarioError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch { return error }
    }

    @Test func readsTheIssueFormat() throws {
        let s = try parse(
            """
            name: Leader crash and failover
            seed: 7
            config: {channelName: app-sync, syncKeys: [theme, locale], excludeKeys: [sessionToken], throttleMs: 100, conflictStrategy: last-write-wins, enableLeaderElection: true, leaderHeartbeatMs: 1000}
            network: {latencyMs: [1, 5], drop: 0.0, duplicate: 0.0}
            initialState: {theme: light, locale: en-US, sessionToken: s3cr3t}
            steps:
              - {at: 0ms, open: A}
              - {at: 10ms, open: B}
              - {at: 1s, set: {tab: B, theme: dark}}
              - {at: 2s, kill: A}
              - {at: 6s, expect: {leader: B}}
            """)
        #expect(s.name == "Leader crash and failover")
        #expect(s.seed == 7)
        #expect(s.options.config.syncKeys == ["theme", "locale"])
        #expect(s.options.config.leaderHeartbeatMs == 1000)
        #expect(s.options.network.latencyMs == 1...5)
        #expect(s.options.initialState["sessionToken"] == "s3cr3t")
        #expect(s.steps.map(\.atMs) == [0, 10, 1000, 2000, 6000])
        #expect(s.steps.map(\.line) == [7, 8, 9, 10, 11])
    }

    /// Read exactly: `1.1s` was 1100.0000000000002 ms through `Double`, and refused as not whole.
    @Test(arguments: [
        ("250ms", 250), ("2s", 2000), ("1.5s", 1500), ("1m", 60_000), ("0ms", 0), ("40", 40), ("1.1s", 1100),
        ("0.3s", 300), ("1.000s", 1000), ("007ms", 7), ("0.00005m", 3), ("1440m", 86_400_000),
    ])
    func durations(text: String, ms: Int) {
        #expect(ScenarioParser.duration(text) == ms)
    }

    /// Decimal digits only: hexadecimal (`0x10s` was 16 s, `0x1p-2s` a quarter of one), exponents,
    /// infinities, signs and a point without digits on both sides are refused.
    @Test(arguments: [
        "-1s", "abc", "1.0005s", "2h", "", "0x10s", "0x1p-2s", "0x10", "1e3s", "1E3ms", "inf", "infs", "nan", "nanms",
        "+5", "+5s", "1.s", ".5s", "1.5", "s", "ms", " 1s", "1s ", "1_000ms", "١s", "99999999999999m",
    ])
    func badDurations(text: String) {
        #expect(ScenarioParser.duration(text) == nil)
    }

    @Test(arguments: ["0x10s", "0x1p-2s", "1e3s", "infs"])
    func aTimeThatIsNotDecimalIsRefusedAtItsLine(text: String) throws {
        let e = error("steps:\n  - {at: 0ms, open: A}\n  - {at: \(text), kill: A}\n")
        #expect(
            e?.description
                == "test.yaml:3: bad time '\(text)' for at (decimal digits with ms, s or m, like 250ms, 2s, 1.5s or 1m)"
        )
    }

    /// `tabsim fuzz --start-seed` and `tabsim --seed` take any UInt64, so a file they write may hold one.
    @Test func aSeedIsAny64BitUnsignedInteger() throws {
        let s = try parse("seed: 18446744073709551615\nsteps:\n  - {at: 0ms, open: A}\n")
        #expect(s.seed == UInt64.max)
        #expect(s.options.seed == UInt64.max)
        for bad in ["-1", "18446744073709551616", "x"] {
            let e = error("seed: \(bad)\nsteps:\n  - {at: 0ms, open: A}\n")
            #expect(e?.line == 1)
            #expect(e?.problem == "seed must be an integer from 0 to 18446744073709551615", "\(String(describing: e))")
        }
    }

    @Test func aCustomStrategyStepUsesTheConfigsResolver() throws {
        let s = try parse(
            """
            config: {channelName: x, customResolver: validateTheme}
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, conflictStrategy: custom}
              - {at: 2s, set: {tab: A, theme: dark}}
            """)
        let player = try ScenarioPlayer(scenario: s)
        _ = try player.playToEnd()
        #expect(player.simulation.options.config.conflictStrategy == .custom)
    }

    @Test func aCustomStrategyStepWithoutAnyResolverNamesItsLine() {
        let e = error(
            """
            config: {channelName: x}
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, conflictStrategy: custom}
            """)
        #expect(e?.line == 4)
        #expect(
            e?.problem.hasPrefix("conflictStrategy custom needs a customResolver") == true,
            "\(String(describing: e))")
        let named = error(
            """
            config: {channelName: x}
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, conflictStrategy: {strategy: custom, customResolver: validateTheme}}
              - {at: 2s, conflictStrategy: merge}
              - {at: 3s, conflictStrategy: custom}
            """)
        #expect(named == nil, "an earlier step named one: \(String(describing: named))")
    }

    @Test(arguments: [
        ("", "empty file: a scenario needs steps"),
        ("\n  \n", "empty file: a scenario needs steps"),
        ("# a comment\n\n# and another\n", "only comments, no scenario: a scenario needs steps"),
    ])
    func anEmptyFileSaysSoNamingTheFile(yaml: String, problem: String) {
        let e = error(yaml)
        #expect(e?.problem == problem)
        #expect(e?.description == "test.yaml: \(problem)")
    }

    @Test func aDuplicateKeyNamesItsLine() {
        let e = error("steps:\n  - open: A\n    at: 0ms\n    at: 1s\n")
        #expect(e?.line == 3)
        #expect(
            e?.problem == "duplicate key 'at': given here and again later in the same mapping",
            "\(String(describing: e))")
        let top = error("name: x\nsteps:\n  - {at: 0ms, open: A}\nname: y\n")
        #expect(top?.description == "test.yaml:1: duplicate key 'name': given here and again later in the same mapping")
    }

    @Test func aDottedPathInExcludeKeysIsRefusedAsTopLevelOnly() {
        let e = error(
            "config: {channelName: x,\n  excludeKeys: [sessionToken, user.token]}\nsteps:\n  - {at: 0ms, open: A}\n")
        #expect(e?.line == 2)
        #expect(
            e?.problem == "excludeKeys applies to top-level keys only: 'user.token' looks like a path "
                + "(exclude 'user' to keep the whole key off the wire)", "\(String(describing: e))")
    }

    @Test func nullInAnExpectedStateMeansTheKeyIsAbsent() throws {
        let s = try parse(
            """
            config: {channelName: x}
            steps:
              - {at: 0ms, open: {tab: A, state: {theme: light}}}
              - {at: 1s, expect: {state: {tab: A, theme: light, x: null}}}
              - {at: 2s, set: {tab: A, x: 1}}
              - {at: 3s, expect: {state: {tab: A, x: null}}}
              - {at: 3s, expect: {state: {tab: A, y: 2}}}
            """)
        let results = try ScenarioPlayer(scenario: s).playToEnd()
        #expect(results[0].passed, "\(results[0].text)")
        #expect(results[1].text == #"FAIL 3.000s (line 6) A holds {"x":null}: found {"x":1}"#)
        #expect(results[2].text == #"FAIL 3.000s (line 7) A holds {"y":2}: found {} (absent: y)"#)
    }

    @Test func aTabNamedNoneIsRefusedAtItsOpen() {
        let e = error("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, open: none}\n")
        #expect(e?.line == 3)
        #expect(e?.problem == "a tab cannot be named 'none': expect {leader: none} means no leader")
    }

    @Test func sameTimeStepsKeepFileOrder() throws {
        let s = try parse("steps:\n  - {at: 1s, open: B}\n  - {at: 0ms, open: A}\n  - {at: 1s, open: C}\n")
        let names = s.steps.compactMap { step -> String? in
            if case .action(.open(let tab, _)) = step.kind { return tab } else { return nil }
        }
        #expect(names == ["A", "B", "C"])
    }

    @Test func unknownActionNamesLineAndAction() {
        let e = error("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, explode: A}\n")
        #expect(e?.line == 3)
        #expect(e?.problem.contains("unknown action 'explode'") == true)
        #expect(e?.description.hasPrefix("test.yaml:3: ") == true)
    }

    @Test func badTimeNamesLine() {
        let e = error("steps:\n  - {at: soon, open: A}\n")
        #expect(e?.line == 2)
        #expect(e?.problem.contains("bad time 'soon'") == true)
        #expect(
            error("steps:\n  - {at: 0ms, open: A}\n  - {at: 2000m, heal: true}\n")?.problem
                == "bad time '2000m' for at: past the limit of 60m of simulated time (ScenarioLimits.maxTimeMs)")
    }

    @Test func malformedYAMLNamesLine() {
        let e = error("name: x\nsteps:\n  - {at: 0ms, open: A\n  - {at: 1s, open: B}\n")
        #expect(e?.line != nil)
        #expect(e?.problem.hasPrefix("malformed YAML") == true)
    }

    @Test func invalidConfigurationNamesField() {
        let e = error("config: {channelName: x, conflictStrategy: custom}\nsteps: []\n")
        #expect(e?.problem.contains("customResolver") == true)
        let e2 = error("config: {channelName: x, throttleMs: -5}\nsteps: []\n")
        #expect(e2?.problem.contains("throttleMs") == true)
        let e3 = error("config: {channelName: x, syncKeys: [a], excludeKeys: [a]}\nsteps: []\n")
        #expect(e3?.problem.contains("syncKeys") == true)
    }

    @Test func unknownFieldsAreRefused() {
        #expect(
            error("config: {channelName: x, throtleMs: 5}\nsteps: []\n")?.problem.contains(
                "unknown config field 'throtleMs'") == true)
        #expect(error("stepz: []\n")?.problem.contains("unknown scenario field 'stepz'") == true)
        #expect(
            error("steps:\n  - {at: 1s, expect: {leaderz: A}}\n")?.problem.contains("unknown expectation 'leaderz'")
                == true)
    }

    @Test func unknownTabIsRefusedBeforeAnythingRuns() {
        let e = error("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, kill: Z}\n")
        #expect(e?.line == 3)
        #expect(e?.problem == "unknown tab 'Z' (opened so far: A)")
        let early = error("steps:\n  - {at: 2s, open: A}\n  - {at: 1s, expect: {state: {tab: A, theme: dark}}}\n")
        #expect(early?.line == 3)
        #expect(early?.problem.contains("no tab is opened before this step") == true)
        #expect(
            error("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, partition: [[A], [B]]}\n")?.problem.contains(
                "unknown tab 'B'") == true)
        #expect(
            error("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, open: A}\n")?.problem.contains("opened twice") == true)
    }

    @Test func anActionThatCannotRunFailsAtItsLineWithoutCrashing() throws {
        let s = try parse("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, thaw: A}\n")
        let player = try ScenarioPlayer(scenario: s)
        do {
            _ = try player.playToEnd()
            Issue.record("thawing a running tab must fail")
        } catch {
            #expect(error.line == 3)
            #expect(error.problem == "tab A is alive")
        }
    }

    @Test func extensionsParse() throws {
        let s = try parse(
            """
            network: {latencyMs: 3, reorder: 0.5}
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, isolate: A}
              - {at: 1s, workload: {editsPerSecond: 10, keys: [theme], until: 5s}}
              - {at: 2s, clockSkew: {tab: A, ms: -300}}
              - {at: 2s, background: {tab: A, throttleMs: 1000}}
            """)
        #expect(s.options.network == NetworkConditions(latencyMs: 3...3, reorder: 0.5))
        guard case .action(.workload(let w)) = s.steps[2].kind else {
            Issue.record("not a workload")
            return
        }
        #expect(w == Workload(editsPerSecondPerTab: 10, keys: ["theme"], untilMs: 5000))
        #expect(error("steps:\n  - {at: 0ms, workload: {editsPerSecond: 0}}\n")?.line == 2)
        #expect(error("network: {reorder: 2}\nsteps: []\n")?.problem == "reorder must be between 0 and 1, got 2.0")
    }

    @Test func failingExpectationSaysWhatWasFound() throws {
        let s = try parse(
            """
            config: {channelName: x, enableLeaderElection: true, leaderHeartbeatMs: 1000}
            steps:
              - {at: 0ms, open: A}
              - {at: 10ms, open: B}
              - {at: 2s, expect: {leader: B}}
            """)
        let results = try ScenarioPlayer(scenario: s).playToEnd()
        #expect(results[0].passed == false)
        #expect(results[0].text == "FAIL 2.000s (line 5) leader is B: found leaders: A")
        #expect(results.last?.passed == true)  // safety held
    }
}
