import Foundation
import Testing
import TabSync
import TabSimulator
@testable import TabSimUI

/// The log by pane letter: who sent to whom, without ids, pings hidden on demand.
@Suite struct PaneLogTests {
    func played(untilMs: Milliseconds) throws -> Simulation {
        let file = SequenceDiagramTests.lessons.appendingPathComponent("01-the-leader-dies.yaml").path
        let player = try ScenarioPlayer(scenario: try ScenarioParser.load(path: file))
        player.simulation.tracksFlights = true
        try player.advance(toMs: untilMs)
        return player.simulation
    }

    @Test func namesTabsByLetterWithReceivers() throws {
        let sim = try played(untilMs: 4500)
        let letters = ["A": "A", "B": "B", "C": "C"]
        let lines = PaneLog(letters: letters, hidesPings: true).lines(events: sim.log.events, flights: sim.flights)
        #expect(lines.contains("   3.000s A  → B,C  HEARTBEAT {\"epoch\":1,\"leaderId\":\"A\",\"priority\":0}"))
        #expect(lines.contains { $0.hasSuffix("B  ← A  HEARTBEAT") })
        #expect(
            lines.contains(
                "   2.000s A  Role candidate -> leader (epoch 1, leader A): elected: no older candidate or leader answered"
            ))
        #expect(!lines.contains { $0.contains("PING") || $0.contains("PONG") })
        // No tab id is left anywhere: every one became a letter.
        for t in sim.tabs {
            #expect(!lines.contains { $0.contains(shortTabId(t.tabId)) }, "\(t.name)'s id")
        }
        // Panes lettered differently from the tab names.
        let renamed = PaneLog(letters: ["A": "X", "B": "Y", "C": "Z"]).lines(
            events: sim.log.events, flights: sim.flights)
        #expect(renamed.contains("   3.000s X  → Y,Z  HEARTBEAT {\"epoch\":1,\"leaderId\":\"X\",\"priority\":0}"))
        #expect(renamed.contains { $0.hasPrefix("   0.000s X  → nobody  TAB_PING") }, "A opened alone")
    }

    @Test func withoutFlightsASendNamesNoReceivers() throws {
        let sim = try played(untilMs: 4500)
        let lines = PaneLog(tabs: ["A", "B", "C"]).lines(events: sim.log.events)
        #expect(lines.contains("   3.000s A  → *  HEARTBEAT {\"epoch\":1,\"leaderId\":\"A\",\"priority\":0}"))
        #expect(lines.count == sim.log.events.count, "nothing hidden unless asked")
    }
}
