import TabSync
import Testing

@testable import TabSimulator

/// The log carries facts as values: what opened as which id, which action did a fault, which
/// message the network lost; the line is formatted from them, in the words it always had.
struct SimFactTests {
    @Test func faultsAndOpeningsAreTypedAndWordedAsBefore() throws {
        var config = BroadcastSyncConfig(channelName: "facts")
        config.enableLeaderElection = true
        let sim = try Simulation(options: SimulationOptions(seed: 3, config: config))
        let a = try sim.open("A")
        try sim.open("B")
        try sim.freeze("B")
        sim.advance(byMs: 200)
        try sim.thaw("B")
        try sim.partition([["A"], ["B"]])
        try sim.kill("A")
        let events = Array(sim.log.events)
        let opened = events.first { $0.openedTabId == a.tabId }
        #expect(opened?.line == "[Simulator] Opened A as \(a.tabId)")
        let kill = events.last { $0.kind == .fault }
        #expect(kill?.fact == .action(.kill("A")))
        #expect(kill?.line == "[Simulator] Killed A")
        let thaw = events.first { if case .action(.thaw, _) = $0.fact { true } else { false } }
        guard case .action(.thaw("B"), .thawed(let queued, 0))? = thaw?.fact else {
            Issue.record("no thaw fact: \(String(describing: thaw?.fact))")
            return
        }
        #expect(thaw?.line == "[Simulator] Thawed B (\(queued) queued)")
        #expect(events.contains { $0.fact == .action(.partition([["A"], ["B"]])) })
    }

    @Test func aLostMessageCarriesItsRoute() throws {
        let sim = try Simulation(options: SimulationOptions(seed: 1, network: NetworkConditions(drop: 1)))
        try sim.open("A")
        try sim.open("B")
        sim.advance(byMs: 100)
        let lost = sim.log.events.first { if case .route = $0.fact { true } else { false } }
        guard case .route(let r)? = lost?.fact else {
            Issue.record("nothing lost")
            return
        }
        #expect(r.outcome == .lost)
        #expect(lost?.line == "[Network] Lost " + r.text)
    }
}
