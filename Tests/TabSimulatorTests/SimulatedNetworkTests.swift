import Testing
import TabSync
@testable import TabSimulator

/// The simulated network (one-way cuts, the delivery path), tab health kept in one place, and the
/// echo check fed by the engine's event stream alone. Virtual time only.
@Suite struct SimulatedNetworkTests {
    func sim(election: Bool = false) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = election
        config.throttleMs = 0
        let network = NetworkConditions(latencyMs: 1...1)
        return try Simulation(
            options: SimulationOptions(
                seed: 3, config: config, network: network,
                initialState: ["theme": "light", "n": 0]))
    }

    @Test func oneWayCutDeliversBToAButNotAToB() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        try s.cutLink(from: "A", to: "B")
        #expect(s.isCut(from: "A", to: "B") && !s.isCut(from: "B", to: "A"))
        try s.set("A", ["theme": "dark"])
        try s.set("B", ["n": 5])
        s.advance(byMs: 100)
        #expect(s.tab(named: "B")!.state["theme"] == "light")
        #expect(s.tab(named: "A")!.state["n"] == 5)
        #expect(s.log.events.contains { $0.line.contains("Blocked STATE_UPDATE from A to B (cut link)") })
        #expect(!s.log.events.contains { $0.line.contains("Blocked STATE_UPDATE from B to A") })
        try s.restoreLink(from: "A", to: "B")
        try s.set("A", ["theme": "system"])
        s.advance(byMs: 100)
        #expect(s.tab(named: "B")!.state["theme"] == "system")
    }

    @Test func healRestoresCutLinksAndPartitions() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        try s.open("C")
        s.advance(byMs: 600)
        try s.cutLink(from: "A", to: "B")
        try s.isolate("C")
        s.heal()
        #expect(!s.isCut(from: "A", to: "B") && !s.isPartitioned("C"))
        #expect(s.log.events.last?.line == "[Simulator] Healed all partitions and cut links")
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 100)
        #expect(s.tabs.allSatisfy { $0.state["theme"] == "dark" })
    }

    @Test func cutAndRestoreRefuseWhatTheyCannotDo() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        #expect(throws: SimulationError("unknown tab 'Z' (tabs: A, B)")) { try s.cutLink(from: "A", to: "Z") }
        #expect(throws: SimulationError("a link joins two tabs; A -> A names one")) {
            try s.cutLink(from: "A", to: "A")
        }
        #expect(throws: SimulationError("the link B -> A is not cut")) { try s.restoreLink(from: "B", to: "A") }
        try s.cutLink(from: "B", to: "A")
        #expect(throws: SimulationError("the link B -> A is already cut")) { try s.cutLink(from: "B", to: "A") }
    }

    @Test func scenarioCutAndRestoreRoundTripAndErrorsNameTheLine() throws {
        let yaml = """
            name: cut
            steps:
              - {at: 0ms, open: A}
              - {at: 0ms, open: B}
              - {at: 1s, cut: {from: A, to: B}}
              - {at: 2s, restore: {from: A, to: B}}
            """
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "cut.yaml")
        guard case .action(.cut(let link)) = scenario.steps[2].kind else {
            Issue.record("not a cut")
            return
        }
        #expect(link == NetworkLink(from: "A", to: "B"))
        let written = try ScenarioWriter.yaml(scenario)
        #expect(written.contains("{at: 1000ms, cut: {from: \"A\", to: \"B\"}}"))
        #expect(written.contains("{at: 2000ms, restore: {from: \"A\", to: \"B\"}}"))
        #expect(try ScenarioWriter.yaml(ScenarioParser.parse(yaml: written, file: "again.yaml")) == written)

        func problem(_ step: String) -> String? {
            let text = "steps:\n  - {at: 0ms, open: A}\n  - {at: 0ms, open: B}\n  - " + step + "\n"
            do { _ = try ScenarioParser.parse(yaml: text, file: "f.yaml") } catch {
                return "\(error.line.map(String.init) ?? "-"): \(error.problem)"
            }
            return nil
        }
        #expect(problem("{at: 1s, cut: {from: A}}") == "4: cut takes {from: A, to: B} (one direction)")
        #expect(problem("{at: 1s, cut: A}") == "4: cut takes {from: A, to: B} (one direction)")
        #expect(problem("{at: 1s, restore: {from: A, to: A}}") == "4: restore needs two different tabs, got A -> A")
        #expect(problem("{at: 1s, cut: {from: A, to: C}}")?.hasPrefix("4: unknown tab 'C'") == true)
        #expect(problem("{at: 1s, cut: {from: A, to: B, why: x}}")?.hasPrefix("4: unknown cut field 'why'") == true)
    }

    @Test func aScenarioRestoringALinkNeverCutFailsOnItsLine() throws {
        let yaml = "steps:\n  - {at: 0ms, open: A}\n  - {at: 0ms, open: B}\n  - {at: 1s, restore: {from: A, to: B}}\n"
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: yaml, file: "r.yaml"))
        #expect(throws: ScenarioError(file: "r.yaml", line: 4, problem: "the link A -> B is not cut")) {
            try player.advance(toMs: 2000)
        }
    }

    /// Deliveries go through `scheduleDelivery`: never throttled in the background, queued while
    /// frozen, dropped once crashed; timers are throttled.
    @Test func deliveriesTakeTheirOwnPathThroughTheTabScheduler() {
        let base = VirtualScheduler()
        let tab = TabScheduler(base: base)
        var ran: [String] = []
        tab.throttleMs = 1000
        tab.schedule(afterMs: 5) { ran.append("timer") }
        tab.scheduleDelivery(afterMs: 5) { ran.append("delivery") }
        base.advance(byMs: 10)
        #expect(ran == ["delivery"])
        base.advance(toMs: 1000)
        #expect(ran == ["delivery", "timer"])

        tab.throttleMs = 0
        tab.freeze()
        tab.scheduleDelivery(afterMs: 1) { ran.append("queued") }
        base.advance(byMs: 10)
        #expect(ran.count == 2 && tab.queuedCount == 1)
        tab.thaw()
        #expect(ran.last == "queued")

        tab.crash()
        tab.scheduleDelivery(afterMs: 1) { ran.append("after crash") }
        base.advance(byMs: 10)
        #expect(ran.last == "queued")
    }

    @Test func aBackgroundTabReceivesAtOnceThroughTheHub() throws {
        let s = try sim()
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        try s.setBackground("B", throttleMs: 60_000)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 2)
        #expect(s.tab(named: "B")!.state["theme"] == "dark")
    }

    /// Every fault moves the health kept by the tab's scheduler; the tab reads it from there.
    @Test func healthTransitionsLiveInOnePlace() throws {
        let s = try sim(election: true)
        try s.open("A")
        try s.open("B")
        s.advance(byMs: 600)
        let a = s.tab(named: "A")!
        #expect(a.liveness == .alive)
        try s.freeze("A")
        #expect(a.liveness == .frozen && a.scheduler.isFrozen && a.scheduler.liveness == .frozen)
        #expect(throws: SimulationError("tab A is frozen")) { try s.set("A", ["n": 1]) }
        try s.thaw("A")
        #expect(a.liveness == .alive && !a.scheduler.isFrozen)
        try s.freeze("A")
        try s.close("A")  // a frozen tab runs its queue, then says goodbye
        #expect(a.liveness == .closed && !a.isLeader && a.role == ElectionRole.none)
        try s.kill("B")
        let b = s.tab(named: "B")!
        #expect(b.liveness == .crashed && b.scheduler.isCrashed)
        #expect(throws: SimulationError("tab B is crashed")) { try s.thaw("B") }
        let fresh = try s.reopen("B")
        #expect(fresh.liveness == .alive && b.liveness == .crashed && s.tab(named: "B") === fresh)
        #expect(s.snapshots.map(\.liveness) == [.closed, .alive])
    }

    /// The engine says `localChange` before the `sent` it allows, so a checker that sees only the
    /// event stream, attached after the engine subscribed to its store, finds no echo; the same
    /// stream without those events does report one (the check can fail).
    @Test func noEchoHoldsWithTheCheckerAttachedAfterTheEngine() throws {
        final class Watch {
            var events: [(Int, SyncEvent)] = []
        }
        let scheduler = VirtualScheduler()
        let hub = InMemoryHub(latencyMs: 1)
        let watch = Watch()
        var config = BroadcastSyncConfig(channelName: "echo")
        config.throttleMs = 0
        var syncs: [BroadcastSync] = []
        for i in 0..<2 {
            let environment = SyncEnvironment(virtual: scheduler, transport: hub) { watch.events.append((i, $0)) }
            let sync = try BroadcastSync(store: Store(["theme": "light"]), config: config, environment: environment)
            sync.start()
            syncs.append(sync)
        }
        scheduler.advance(byMs: 600)
        for value in ["dark", "system"] {
            try syncs[0].store.setState(["theme": .string(value)])
            scheduler.advance(byMs: 50)
        }
        #expect(syncs[1].store.state["theme"] == "system")

        func check(_ events: [(Int, SyncEvent)]) -> InvariantChecker {
            var checker = InvariantChecker()
            for sync in syncs { checker.register(tabId: sync.tabId, name: sync.tabId, excludeKeys: []) }
            for (tab, event) in events { checker.observe(event, tab: tab, at: 0) }
            return checker
        }
        let updates = watch.events.count { if case .sent(let m) = $0.1 { m.type == .stateUpdate } else { false } }
        #expect(updates == 2)
        #expect(check(watch.events).violations.isEmpty)
        let withoutLocal = watch.events.filter { if case .localChange = $0.1 { false } else { true } }
        #expect(check(withoutLocal).violations.map(\.property) == ["no echo", "no echo"])
    }
}
