import Testing
import TabSync
@testable import TabSimulator

/// What a status bar needs: messages still in flight ("propagating") told apart from quiet tabs
/// that differ ("diverged"), naming the tabs that differ and, where nothing promised convergence,
/// why.
@Suite struct ProgressTests {
    func sim(_ strategy: ConflictStrategy) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "t")
        config.syncKeys = ["theme"]
        config.conflictStrategy = strategy
        let s = try Simulation(
            options: SimulationOptions(
                seed: 2, config: config, network: NetworkConditions(latencyMs: 50...50),
                initialState: ["theme": "light"]))
        for n in ["A", "B", "C"] { try s.open(n) }
        s.advance(byMs: 1000)
        return s
    }

    @Test func aDifferenceWithMessagesInFlightIsPropagating() throws {
        let s = try sim(.lastWriteWins)
        #expect(s.progress() == .converged)
        try s.set("A", ["theme": "dark"])
        s.advance(byMs: 10)
        guard case .propagating(let inFlight, _) = s.progress() else {
            Issue.record("\(s.progress())")
            return
        }
        #expect(inFlight == 2)
        s.advance(byMs: 100)
        #expect(s.progress() == .converged)
    }

    @Test func quietAndDifferentIsDivergedAndNamesTheTabsAndTheCause() throws {
        let s = try sim(.arrivalOrder)
        try s.set("A", ["theme": "dark"])
        try s.set("B", ["theme": "system"])
        s.advance(byMs: 200)
        guard case .diverged(let c) = s.progress() else {
            Issue.record("\(s.progress())")
            return
        }
        #expect(c.keys == ["theme"])
        #expect(c.tabs == ["B"])  // A and C hold B's value, B holds A's
        #expect(c.cause?.hasPrefix("arrival-order") == true)
        #expect(c.summary.contains("[arrival-order"))
    }
}
