import PropertyBased
import TabSync
import Testing

@testable import TabSimulator

/// Whatever `ScenarioWriter` writes, `ScenarioParser` reads back to the same scenario.
@Suite struct ScenarioWriterTests {
    /// Strings that YAML could read as something else, or that need escaping.
    static let tricky = [
        "", "true", "null", "~", "14", "-3.5", "1e5", "0x10", ".inf", "yes", "a: b", "#x", "- z",
        "[x]", "{y}", "&a", "*b", "!tag", "%p", "@q", "`r", "quote\"s", "back\\slash", "new\nline",
        "tab\t", "nul\u{0}", "del\u{7F}", "bom\u{FEFF}", "nel\u{85}", "ls\u{2028}", "é", "日本", "😀", " lead",
        "trail ", "'single'", "tab", "none",
    ]
    static let numbers: [Double] = [
        0, -1, 1.5, 1e-7, 1e20, -0.5, 123_456_789_012, 9_007_199_254_740_992,
        Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude,
    ]

    static func string(_ n: Int) -> String { tricky[n % tricky.count] + (n % 7 == 0 ? "\(n)" : "") }
    static func key(_ n: Int) -> String {
        let s = string(n)
        return s.isEmpty || s == "tab" ? "k\(n)" : s
    }

    static func value(_ n: Int, depth: Int = 0) -> JSONValue {
        switch n % 7 {
        case 0: return .null
        case 1: return .bool(n % 2 == 0)
        case 2: return .number(numbers[n % numbers.count])
        case 3, 4: return .string(string(n / 7))
        case 5 where depth < 2: return .array((0..<(n % 4)).map { value(n / 3 + $0 * 5, depth: depth + 1) })
        case 6 where depth < 2:
            return .object(
                Dictionary(
                    (0..<(n % 4)).map { (key(n + $0), value(n / 5 + $0 * 3, depth: depth + 1)) },
                    uniquingKeysWith: { a, _ in a }))
        default: return .string(string(n))
        }
    }

    static func document(_ n: Int) -> StateDocument {
        Dictionary((0..<(n % 4 + 1)).map { (key(n * 3 + $0), value(n + $0 * 11)) }, uniquingKeysWith: { a, _ in a })
    }

    static let tabs = ["A", "B", "C"]

    static func action(_ n: Int) -> Scenario.Action {
        let tab = tabs[n % 3]
        switch n % 22 {
        case 0: return .set(tab: tab, state: document(n / 19))
        case 1: return .close(tab)
        case 2: return .kill(tab)
        case 3: return .freeze(tab)
        case 4: return .thaw(tab)
        case 5: return .reopen(tab)
        case 6: return .forceLeader(tab)
        case 7: return .requestState(tab)
        case 8: return .broadcastState(tab: tab, keys: n % 2 == 0 ? nil : [key(n), key(n + 1)])
        case 9: return .partition([["A"], ["B", "C"]])
        case 10: return .heal
        case 11: return .isolate(tab)
        case 12: return .rejoin(tab)
        case 13:
            return .network(
                NetworkConditions(latencyMs: (n % 5)...(n % 5 + 7), drop: 0.25, duplicate: 0.1, reorder: 0.05))
        case 14: return .background(tab: tab, throttleMs: n % 2000)
        case 15: return .clockSkew(tab: tab, ms: n % 1000 - 500)
        case 16: return .conflictStrategy(n % 2 == 0 ? .merge : .custom, resolver: n % 2 == 0 ? nil : "validateTheme")
        case 17:
            return .workload(
                Workload(editsPerSecondPerTab: Double(n % 50) + 0.5, keys: [key(n)], untilMs: n % 3 == 0 ? nil : 9000))
        case 18: return .stopWorkload
        case 19: return .cut(NetworkLink(from: tab, to: tabs[(n + 1) % 3]))
        case 20: return .timeOut(tab)
        default: return .restore(NetworkLink(from: tab, to: tabs[(n + 2) % 3]))
        }
    }

    static func expectation(_ n: Int) -> Scenario.Expectation {
        let tab = tabs[n % 3]
        switch n % 7 {
        case 0: return .leader(n % 2 == 0 ? nil : tab)
        case 1: return .leaders(n % 4)
        case 2: return .state(tab: tab, values: document(n))
        case 3: return .converged(n % 2 == 0)
        case 4: return .connectedTabs(tab: tab, count: n % 5)
        case 5: return .neverOnWire(key(n))
        default:
            return .sent(tab: tab, type: SyncMessageType.allCases[n % SyncMessageType.allCases.count], count: n % 9)
        }
    }

    static func scenario(_ picks: [Int]) -> Scenario {
        var config = BroadcastSyncConfig(channelName: string(picks.first ?? 1).isEmpty ? "c" : string(picks.first ?? 1))
        config.syncKeys = ["theme", "locale"]
        config.excludeKeys = ["sessionToken"]
        config.conflictStrategy = .custom
        config.customResolver = BuiltinResolvers.validateTheme
        config.enableLeaderElection = true
        config.leaderTimeoutMs = 12_000
        var steps = Self.tabs.map { Scenario.Step(atMs: 0, kind: .action(.open(tab: $0, state: nil))) }
        steps[1].kind = .action(.open(tab: "B", state: document(picks.count)))
        for (i, p) in picks.enumerated() {
            let kind: Scenario.Kind = p % 4 == 0 ? .expect(expectation(p / 4)) : .action(action(p))
            steps.append(Scenario.Step(atMs: 10 * i + (p % 3) * 10, kind: kind))
        }
        steps.sort { $0.atMs < $1.atMs }
        let options = SimulationOptions(
            seed: UInt64(picks.count * 31), config: config,
            network: NetworkConditions(latencyMs: 2...9, drop: 0.125),
            initialState: document(picks.last ?? 3))
        return Scenario(
            file: "gen", name: string(picks.count + 3), seed: options.seed, options: options, steps: steps,
            customResolverName: "validateTheme")
    }

    @Test func whatItWritesTheParserReadsBack() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...100_000).array(of: 0...25)) { picks in
            let original = Self.scenario(picks)
            do {
                let yaml = try ScenarioWriter.yaml(original, comment: ["generated"])
                let parsed = try ScenarioParser.parse(yaml: yaml, file: "gen")
                #expect(parsed.name == original.name)
                #expect(parsed.seed == original.seed)
                #expect(parsed.options.initialState == original.options.initialState)
                #expect(parsed.customResolverName == "validateTheme")
                #expect(parsed.options.config.leaderTimeoutMs == 12_000)
                #expect(parsed.steps.count == original.steps.count)
                for (a, b) in zip(parsed.steps, original.steps) {
                    #expect(a.atMs == b.atMs)
                    #expect(try ScenarioWriter.step(a) == ScenarioWriter.step(b))
                }
                // And the text is a fixed point: written again, it is the same file.
                #expect(try ScenarioWriter.yaml(parsed, comment: ["generated"]) == yaml)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func valuesRoundTripExactly() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...1_000_000)) { n in
            let v = Self.value(n)
            let yaml = "seed: 1\ninitialState: {\"v\": \((try? ScenarioWriter.value(v)) ?? "?")}\nsteps: []\n"
            #expect((try? ScenarioParser.parse(yaml: yaml, file: "v"))?.options.initialState["v"] == v, "\(v)")
        }
    }

    @Test func whatTheParserCannotReadIsRefusedByName() {
        #expect(throws: ScenarioWriterError.self) { try ScenarioWriter.value(.object(["": 1])) }
        #expect(throws: ScenarioWriterError.self) {
            try ScenarioWriter.step(Scenario.Step(atMs: 0, kind: .action(.set(tab: "A", state: ["tab": 1]))))
        }
        #expect(throws: ScenarioWriterError.self) {
            try ScenarioWriter.step(Scenario.Step(atMs: 0, kind: .expect(.leader("none"))))
        }
    }
}
