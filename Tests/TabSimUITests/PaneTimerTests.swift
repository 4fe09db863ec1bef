import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The panes' timer bars, priorities and in-flight counts read the engine, not a model of it.
@Suite struct PaneTimerTests {
    /// The pane's timer row (the one above the local key).
    func timerRow(_ h: Harness, pane i: Int) -> String {
        guard case .main(let main) = h.frame.content else { return "" }
        let r = main.layout.panes[i]
        return String(h.screen.line(r.y + Layout.paneHeight - 3).dropFirst(r.x).prefix(r.width))
    }

    /// What the engine's timers say for a tab, in the order a pane shows them.
    func engineTimers(_ sim: Simulation, _ name: String) -> [(PaneTimer.Kind, Countdown)] {
        guard let t = sim.snapshot(of: name)?.countdowns else { return [] }
        var out: [(PaneTimer.Kind, Countdown)] = []
        if let c = t.heartbeat {
            out.append((.heartbeat, c))
        } else if let c = t.leaderTimeout {
            out.append((.leaderTimeout, c))
        } else if let c = t.electionRound {
            out.append((.electionRound, c))
        }
        if let c = t.ping { out.append((.ping, c)) }
        return out
    }

    @Test func barsMatchTheEngineTimersAtSampledInstants() throws {
        let h = try Harness(tabs: 3)
        var sawReset = false
        var lastTimeout: [String: Milliseconds] = [:]
        var kinds = Set<PaneTimer.Kind>()
        for sample in 0..<24 {
            h.run(ms: 173 + 37 * (sample % 4))
            if sample == 10 { h.send(.killTab) }  // A (the leader) dies: followers time out, a candidate runs
            for (i, pane) in h.panes.enumerated() {
                let expected = engineTimers(h.sim, pane.name)
                #expect(pane.timers.map(\.kind) == expected.map(\.0), "t=\(h.sim.nowMs) \(pane.name)")
                #expect(pane.timers.map(\.countdown) == expected.map(\.1), "t=\(h.sim.nowMs) \(pane.name)")
                kinds.formUnion(pane.timers.map(\.kind))
                // The drawn bar: the share of the period left, rounded up, in each bar's width.
                let bars = timerRow(h, pane: i).split(separator: " ").filter { $0.contains("█") || $0.contains("░") }
                #expect(bars.count == expected.count)
                for (bar, (_, c)) in zip(bars, expected) {
                    let filled = bar.count { $0 == "█" }
                    let want = (min(c.remainingMs, c.periodMs) * bar.count + c.periodMs - 1) / c.periodMs
                    #expect(filled == want, "t=\(h.sim.nowMs) \(pane.name) \(bar) \(c)")
                }
                if let timeout = expected.first(where: { $0.0 == .leaderTimeout })?.1.remainingMs {
                    if let before = lastTimeout[pane.name], timeout > before { sawReset = true }
                    lastTimeout[pane.name] = timeout
                }
            }
        }
        #expect(sawReset, "a heartbeat pushes a follower's leader timeout back")
        #expect(kinds.isSuperset(of: [.heartbeat, .leaderTimeout, .ping]))
    }

    @Test func aClosedTabHasNoBars() throws {
        let h = try Harness(tabs: 2)
        h.run(ms: 1000)
        h.send(.select(1))
        h.send(.closeTab)
        #expect(h.panes[1].timers.isEmpty)
        #expect(!h.panes[0].timers.isEmpty)
    }

    @Test func panesShowThePriorityTheEngineUses() throws {
        let h = try Harness(tabs: 3)
        h.run(ms: 500)
        #expect(h.panes.map(\.priority) == h.sim.snapshots.map(\.priority))
        #expect(h.panes.map(\.priority) == [0, 20, 40])
        #expect(h.screen.line(1).contains("prio 20"))
    }

    @Test func panesCountMessagesInFlightEachWay() throws {
        let h = try Harness(tabs: 3)
        h.run(ms: 1500)
        try h.session.apply(.network(NetworkConditions(latencyMs: 400...400)))
        h.send(.select(1))
        h.send(.cycleTheme)  // B sends a STATE_UPDATE to A and C, 400 ms on its way
        h.run(ms: 10)
        let flying = h.sim.messagesInFlight
        for pane in h.panes {
            #expect(pane.incoming == h.sim.inFlightCount(to: pane.name))
            #expect(pane.outgoing == h.sim.inFlightCount(from: pane.name))
        }
        #expect(h.panes[1].outgoing >= 1)
        #expect(h.panes[0].incoming >= 1 && h.panes[2].incoming >= 1)
        #expect(flying.contains { $0.sender == "B" && $0.type == .stateUpdate })
        #expect(h.screen.line(2).contains("↑\(h.panes[0].outgoing)"))
        h.send(.cycleLocale)
        h.run(ms: 3000)
        try h.session.apply(.network(.local))
        h.run(ms: 1000)
        #expect(h.panes.allSatisfy { $0.incoming == h.sim.inFlightCount(to: $0.name) })
    }
}
