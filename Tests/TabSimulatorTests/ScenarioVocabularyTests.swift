import TabSync
import Testing

@testable import TabSimulator

/// The scenario vocabulary has one table, the parser's: the names an action and an expectation go
/// by are read from it, a file written with them reads back to the same kind, and the fuzzer's
/// swarm draws every action in it.
@Suite struct ScenarioVocabularyTests {
    /// One of every action case.
    static let everyAction: [Scenario.Action] = [
        .open(tab: "A", state: nil), .close("A"), .kill("A"), .freeze("A"), .thaw("A"), .reopen("A"),
        .set(tab: "A", state: ["theme": "dark"]), .forceLeader("A"), .timeOut("A"), .requestState("A"),
        .broadcastState(tab: "A", keys: nil), .partition([["A"], ["B"]]), .heal, .healAll, .isolate("A"),
        .rejoin("A"), .cut(NetworkLink(from: "A", to: "B")), .restore(NetworkLink(from: "A", to: "B")),
        .network(NetworkConditions(latencyMs: 1...5)), .background(tab: "A", throttleMs: 1000),
        .clockSkew(tab: "A", ms: 100), .conflictStrategy(.merge, resolver: nil),
        .workload(Workload(editsPerSecondPerTab: 2)), .stopWorkload, .inject(to: nil, raw: "x"), .say("hello"),
        .prompt(LessonPrompt(action: .freeze, tab: "A", text: "freeze A")),
    ]

    /// One of every expectation case.
    static var everyExpectation: [Scenario.Expectation] {
        [
            .leader("A"), .leaders(1), .runningLeaders(1), .allFollow(true),
            .state(tab: "A", values: ["theme": "dark"]),
            .converged(true), .connectedTabs(tab: "A", count: 1), .neverOnWire("token"),
            .sent(tab: "A", type: .heartbeat, count: 1), .dropped(tab: "A", reason: .malformed, count: 0),
            .winners(.lastWriteWins), .maxSentPerSecond(10), .violated("winners"),
        ]
    }

    /// The steps written as a file, after opening `tabs`, and read back.
    static func written(_ steps: [Scenario.Step], opening tabs: [String]) throws -> Scenario {
        let options = SimulationOptions(seed: 1, config: BroadcastSyncConfig(channelName: "v"), initialState: [:])
        let opens = tabs.map { Scenario.Step(atMs: 0, kind: .action(.open(tab: $0, state: nil))) }
        let scenario = Scenario(file: "v", name: "v", seed: 1, options: options, steps: opens + steps)
        return try ScenarioParser.parse(yaml: try ScenarioWriter.yaml(scenario, comment: []), file: "v.yaml")
    }

    @Test func everyActionIsNamedByARowOfTheTableAndReadsBackAsItself() throws {
        #expect(Set(Self.everyAction.map(\.name)) == Set(Scenario.Action.names), "every row reached, no other name")
        #expect(Scenario.Action.heal.name == "heal" && Scenario.Action.healAll.name == "heal")
        // B opened first: the first action opens A.
        let read = try Self.written(Self.everyAction.map { Scenario.Step(atMs: 0, kind: .action($0)) }, opening: ["B"])
        let names = read.steps.dropFirst(1).compactMap { step -> String? in
            if case .action(let a) = step.kind { a.name } else { nil }
        }
        #expect(names == Self.everyAction.map(\.name))
    }

    @Test func everyExpectationIsNamedByARowOfTheTableAndReadsBackAsItself() throws {
        #expect(Self.everyExpectation.map(\.name) == Scenario.Expectation.names)
        let read = try Self.written(
            Self.everyExpectation.map { Scenario.Step(atMs: 0, kind: .expect($0)) }, opening: ["A", "B"])
        let names = read.steps.compactMap { step -> String? in
            if case .expect(let e) = step.kind { e.name } else { nil }
        }
        #expect(names == Scenario.Expectation.names)
    }

    /// The fuzzer opens tabs, edits (`set`), heals at the calm (`heal: all`) and draws every other
    /// action as a fault of its swarm.
    @Test func theSwarmDrawsEveryActionOfTheTable() {
        let drawn = Set(Swarm.Fault.allCases.map(\.rawValue) + ["open", "set"])
        #expect(drawn == Set(Scenario.Action.names))
    }

    /// Over a few swarm runs, every fault kind is applied at least once, and no run fails.
    @Test func swarmRunsApplyEveryFaultAndPass() {
        var options = Fuzzer.Options()
        options.fixedMix = false
        options.chaosMs = 20_000
        let fuzzer = Fuzzer(options: options)
        var applied: Set<String> = []
        for seed in UInt64(1)...30 {
            let outcome = fuzzer.run(seed: seed)
            #expect(outcome.passed, "seed \(seed): \(outcome.violations.map(\.description))")
            applied.formUnion(outcome.coverage.filter { $0.value > 0 }.keys)
        }
        let faults = Set(Swarm.Fault.allCases.map(\.rawValue))
        #expect(faults.subtracting(applied).isEmpty, "never applied: \(faults.subtracting(applied).sorted())")
    }
}
