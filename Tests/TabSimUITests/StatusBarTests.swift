import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The status bar tells "in sync", "propagating" (state still on its way) and "DIVERGED" (quiet,
/// yet different) apart, on a slow network too, where heartbeats and pings are always in flight.
@Suite struct StatusBarTests {
    func slowHarness(_ strategy: ConflictStrategy) throws -> Harness {
        let h = try Harness(strategy: strategy)
        try h.session.apply(.network(.teaching))
        h.run(ms: 5000)
        return h
    }

    @Test func inSyncOnASlowNetworkThoughHeartbeatsAreInFlight() throws {
        let h = try slowHarness(.lastWriteWins)
        for _ in 0..<20 where h.sim.messagesInFlight.isEmpty { h.run(ms: 100) }
        #expect(!h.sim.messagesInFlight.isEmpty)
        #expect(h.sim.messagesInFlight.allSatisfy { $0.type != .stateUpdate && $0.type != .stateResponse })
        #expect(h.sim.progress() == .converged)
        #expect(h.status.contains("  in sync  |"))
    }

    @Test func aChangeOnItsWayIsPropagatingAndCountsOnlyStateMessages() throws {
        let h = try slowHarness(.lastWriteWins)
        for _ in 0..<20 where h.sim.messagesInFlight.isEmpty { h.run(ms: 100) }
        h.send(.cycleTheme)
        h.run(ms: 1)
        let stateCopies = h.sim.messagesInFlight.filter { $0.type == .stateUpdate }
            .reduce(0) { $0 + $1.deliveries.count { $0.outcome == .inFlight } }
        #expect(stateCopies == 2)
        #expect(h.sim.messagesInFlight.count > 1)  // a ping or a heartbeat flies too, and is not counted
        #expect(h.sim.progress() == .propagating(messagesInFlight: 2, pendingTabs: []))
        #expect(h.status.contains("propagating (2 in flight)"))
        guard case .main(let main) = h.frame.content else { return }
        #expect(!main.diverged)
        h.run(ms: 1000)
        #expect(h.status.contains("  in sync  |"))
    }

    @Test func quietYetDifferentIsDivergedOnASlowNetworkAndNamesTheTabs() throws {
        let h = try slowHarness(.arrivalOrder)
        h.send(.concurrentEdit)
        h.run(ms: 3000)
        // Heartbeats and pings are still in flight, yet nothing carrying state is: no "propagating".
        #expect(h.sim.messagesInFlight.contains { $0.type != .stateUpdate })
        guard case .diverged(let c) = h.sim.progress() else {
            Issue.record("expected diverged, got \(h.sim.progress())")
            return
        }
        #expect(!c.tabs.isEmpty)
        let who = c.tabs.joined(separator: ",") + (c.tabs.count == 1 ? " differs" : " differ")
        #expect(h.status.contains("DIVERGED: \(who); theme: "))
        guard case .main(let main) = h.frame.content else { return }
        #expect(main.diverged)
    }
}
