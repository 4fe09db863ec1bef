import Foundation
import Testing
import TabSync
import TabSimulator
@testable import TabSimUI

/// The sequence diagram, compared as full text at a fixed seed (a golden frame), and how it degrades.
@Suite struct SequenceDiagramTests {
    static let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/lessons")

    /// A lesson played to `untilMs` with its messages followed.
    func played(_ file: String = "01-the-leader-dies.yaml", untilMs: Milliseconds) throws -> Simulation {
        let player = try ScenarioPlayer(
            scenario: try ScenarioParser.load(path: Self.lessons.appendingPathComponent(file).path))
        player.simulation.tracksFlights = true
        try player.advance(toMs: untilMs)
        return player.simulation
    }

    func diagram(
        _ sim: Simulation, width: Int = 80, hidesPings: Bool = true,
        filter: @escaping (SimEvent) -> Bool = { _ in true }
    ) -> [String] {
        let d = SequenceDiagram(
            columns: SequenceDiagram.columns(tabs: sim.tabs.map(\.name)), width: width,
            hidesPings: hidesPings, filter: filter)
        return d.lines(events: sim.log.events, flights: sim.flights)
    }

    /// Lesson 1 at 12.5 s: the election after the leader's death, B's rebuttal still in flight.
    static let golden = """
                             A                      B                      C
           0.000s            ┬ opened
                             ● REQUEST
                             ◆ candidate
                             ● ELECT e0
           0.500s            │                      ┬ opened
                             ◀───────────── REQUEST ●
                             │                      ◆ candidate
                             ◀──────────── ELECT e0 ●
           1.000s            │                      │                      ┬ opened
                             ◀──────────────────────◀───────────── REQUEST ●
                             │                      │                      ◆ candidate
                             ◀──────────────────────◀──────────── ELECT e0 ●
           1.130s            ● ELECT e0 ────────────▶──────────────────────▶
           1.190s            ● RESPONSE ────────────▶──────────────────────▶
           1.409s            ● RESPONSE ────────────▶──────────────────────▶
           1.436s            │                      │                      ○ follower
           1.519s            ◀──────────────────────● REPAIR ──────────────▶
           1.692s            │                      ○ follower             │
           1.850s            │                      ! ignored REQUEST      │
           2.000s            ★ leader e1            │                      │
                             ● ANNOUNCE e1 ─────────▶──────────────────────▶
           2.081s            ● RESPONSE ────────────▶──────────────────────▶
           2.218s            ◀──────────────────────◀────────────── REPAIR ●
           2.270s            ● REPAIR ──────────────▶──────────────────────▶
           2.284s            │                      │       ignored REPAIR !
           2.587s            │                      │         follows A e1 ○
           2.858s            │                      ○ follows A e1         │
           3.000s            ● HB e1 ───────────────▶──────────────────────▶
           3.064s            ! ignored REPAIR       │                      │
           3.145s            │                      │       ignored REPAIR !
           4.000s            ● HB e1 ───────────────▶──────────────────────▶
           5.000s            ● HB e1 ───────────────▶──────────────────────▶
           6.000s            ● HB e1 ───────────────▶──────────────────────▶
           7.000s            ● HB e1 ───────────────▶──────────────────────▶
           8.000s            ● HB e1 ───────────────▶──────────────────────▶
                             ✖ killed               │                      │
          11.703s                                   │                      ◆ candidate
                                                    ◀──────────── ELECT e1 ●
          11.836s                                   ◆ candidate            │
                                                    ● ELECT e1 ╌╌╌╌╌╌╌╌╌╌╌╌▷
          12.374s                                   ● ELECT e1 ╌╌╌╌╌╌╌╌╌╌╌╌▷
        """

    @Test func goldenFrameOfTheLeaderDying() throws {
        let lines = diagram(try played(untilMs: 12_500))
        #expect(lines.joined(separator: "\n") == Self.golden)
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func theLastRowsAreTheEndOfTheWholeDiagram() throws {
        let sim = try played(untilMs: 12_500)
        let d = SequenceDiagram(columns: SequenceDiagram.columns(tabs: ["A", "B", "C"]), width: 80, hidesPings: true)
        let all = d.lines(events: sim.log.events, flights: sim.flights)
        let last = d.lines(events: sim.log.events, flights: sim.flights, lastRows: 7)
        #expect(last == [all[0]] + all.suffix(7))
    }

    @Test func anArrowInFlightIsDashedUntilDelivered() throws {
        let before = diagram(try played(untilMs: 12_500))
        let after = diagram(try played(untilMs: 14_000))
        let rebuttal = try #require(before.firstIndex { $0.hasPrefix("  12.374s") })
        #expect(before[rebuttal].contains("╌") && before[rebuttal].hasSuffix("▷"))
        #expect(after[rebuttal].contains("─") && after[rebuttal].hasSuffix("▶") && !after[rebuttal].contains("╌"))
    }

    @Test func filtersPingsAndTabs() throws {
        let sim = try played(untilMs: 12_500)
        let all = diagram(sim, hidesPings: false)
        #expect(all.contains { $0.contains("PING") } && all.contains { $0.contains("PONG") })
        #expect(!diagram(sim).contains { $0.contains("PING") || $0.contains("PONG") })
        let election: (SimEvent) -> Bool = { e in
            e.kind == .role || [.leaderElection, .leaderAnnounce, .heartbeat].contains(e.messageType)
        }
        let onlyElection = diagram(sim, filter: election)
        #expect(!onlyElection.contains { $0.contains("REQUEST") || $0.contains("RESPONSE") })
        #expect(
            onlyElection.contains { $0.contains("ELECT e1") } && onlyElection.contains { $0.contains("★ leader e1") })
        // A tab's own view shows the messages it received, not only those it sent.
        let onlyC = diagram(sim, filter: { $0.tab == "C" })
        #expect(onlyC.contains { $0.contains("HB e1") }, "C received A's heartbeats")
        #expect(!onlyC.contains { $0.contains("★ leader") }, "A's role change is A's")
    }

    @Test func eightTabsDegradeToNarrowColumns() throws {
        var config = BroadcastSyncConfig(channelName: "t")
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        config.electionTimeoutMs = 2000
        let sim = try Simulation(options: SimulationOptions(seed: 2, config: config, network: .teaching))
        sim.tracksFlights = true
        let names = (0..<8).map { String(UnicodeScalar(UInt8(65 + $0))) }
        for (i, name) in names.enumerated() {
            try sim.open(name)
            sim.run(untilMs: (i + 1) * 200)
        }
        sim.run(untilMs: 6000)
        try sim.freeze("A")
        try sim.partition([["A", "B", "C", "D"], ["E", "F", "G", "H"]])
        sim.run(untilMs: 12_000)
        for width in [80, 200] {
            let lines = diagram(sim, width: width)
            #expect(lines.allSatisfy { $0.count <= width })
            #expect(lines[0].split(separator: " ").map(String.init) == names)
            #expect(lines.contains { $0.contains("◌") }, "the freeze is marked")
            #expect(lines.contains { $0.contains("═ partition [A, B, C, D] | [E, F, G, H] ═") })
            #expect(lines.contains { $0.contains("┆") }, "a frozen tab's lifeline is dotted")
        }
        // At 80 columns each column is 8 wide: short labels, roles by symbol and epoch.
        let narrow = diagram(sim, width: 80)
        #expect(narrow.contains { $0.contains("● ELEC") })
        #expect(narrow.contains { $0.contains("★ e2") })
        #expect(diagram(sim, width: 200).contains { $0.contains("★ leader e2") })
    }
}
