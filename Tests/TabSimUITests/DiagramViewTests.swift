import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// `d` swaps the log for the sequence diagram, `h` hides pings, `N` slows the network so flight
/// shows at x1, and the log names tabs by pane letter.
@Suite struct DiagramViewTests {
    func logTexts(_ h: Harness) -> [String] {
        guard case .main(let main) = h.frame.content else { return [] }
        return main.logLines.map(\.text)
    }

    @Test func dShowsTheDiagramWithTheLogsFilterAndBack() throws {
        let h = try Harness(width: 120, height: 30)
        h.run(ms: 3000)
        h.send(.toggleDiagram)
        #expect(h.state.showDiagram)
        let rows = Layout(width: 120, height: 30, tabCount: 3).logRows
        let expected = SequenceDiagram(
            columns: SequenceDiagram.columns(tabs: ["A", "B", "C"]), width: 120
        ).lines(events: h.sim.log.events, flights: h.sim.flights, lastRows: rows - 1)
        #expect(logTexts(h) == expected)
        #expect(logTexts(h).first?.contains("A") == true)
        #expect(h.screen.line(Layout.paneHeight).hasPrefix(" Sequence diagram  filter: all"))
        h.send(.cycleLogFilter)  // tab A
        h.send(.cycleLogFilter)  // state
        let state = SequenceDiagram(
            columns: SequenceDiagram.columns(tabs: ["A", "B", "C"]), width: 120,
            filter: { LogFilter.state.accepts($0) }
        ).lines(events: h.sim.log.events, flights: h.sim.flights, lastRows: rows - 1)
        #expect(logTexts(h) == state)
        #expect(state != expected)
        h.send(.toggleDiagram)
        #expect(h.screen.line(Layout.paneHeight).hasPrefix(" Traffic log"))
    }

    @Test func theLogNamesTabsByLetterAndHHidesPings() throws {
        let h = try Harness(width: 120, height: 30)
        h.run(ms: 4000)
        let lines = logTexts(h)
        #expect(lines.contains { $0.contains(" A  → B,C  HEARTBEAT") })
        #expect(lines.contains { $0.contains("← A  HEARTBEAT") })
        #expect(!lines.contains { $0.contains("[BroadcastSync:") })
        #expect(lines.contains { $0.contains("PING") || $0.contains("PONG") })
        h.send(.togglePings)
        #expect(h.state.hidePings)
        let hidden = logTexts(h)
        #expect(hidden.count == lines.count)  // the page fills with other lines
        #expect(!hidden.contains { $0.contains("TAB_PING") || $0.contains("TAB_PONG") })
        h.send(.toggleDiagram)
        #expect(!logTexts(h).contains { $0.contains("PING") || $0.contains("PONG") })
    }

    @Test func speedsGoDownToOneHundredth() throws {
        let h = try Harness()
        for _ in 0..<20 { h.send(.slower) }
        #expect(h.state.speed == 0.01)
        let before = h.sim.nowMs
        h.send(.tick(wallMs: 1000))
        #expect(h.sim.nowMs == before + 10)
    }

    @Test func nTogglesTheTeachingNetworkSoMessagesFlyForAWhileAtX1() throws {
        let h = try Harness()
        h.run(ms: 1000)
        h.send(.toggleTeachingNetwork)
        #expect(h.sim.options.network == .teaching)
        h.send(.tick(wallMs: 1200))  // a heartbeat or a ping goes out, and is still on its way 0.3 s later
        let flying = h.sim.messagesInFlight
        #expect(!flying.isEmpty)
        #expect(flying.allSatisfy { f in f.deliveries.allSatisfy { ($0.dueMs ?? 0) - f.sentMs >= 300 } })
        h.send(.toggleTeachingNetwork)
        #expect(h.sim.options.network == h.session.scenario.options.network)
    }
}
