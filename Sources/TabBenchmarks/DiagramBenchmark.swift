import TabSimUI
import TabSimulator
import TabSync

/// `ui.diagram_ms`: drawing the sequence diagram for a 200x60 screen (the last 58 rows, 200
/// columns) over a full log (10,000 events) of 8 tabs with every message followed.
public enum DiagramBenchmark {
    public static func measure(frames: Int = 50) throws -> BenchmarkResult {
        var config = BroadcastSyncConfig(channelName: "bench")
        config.syncKeys = ["theme", "counter"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let sim = try Simulation(
            options: SimulationOptions(
                seed: 1, config: config, network: .teaching,
                initialState: ["theme": "light", "counter": 0]))
        sim.tracksFlights = true
        let names = (0..<8).map { String(UnicodeScalar(UInt8(65 + $0))) }
        for name in names { try sim.open(name) }
        try sim.startWorkload(Workload(editsPerSecondPerTab: 1))
        sim.advance(byMs: 300_000)
        let diagram = SequenceDiagram(columns: SequenceDiagram.columns(tabs: names), width: 200)
        var rows = 0
        let watch = Stopwatch()
        for _ in 0..<frames {
            sim.advance(byMs: 100)
            rows += diagram.lines(events: sim.log.events, flights: sim.flights, lastRows: 58).count
        }
        precondition(sim.log.events.count == sim.log.capacity && rows == frames * 59)
        return BenchmarkResult(
            name: "ui.diagram_ms", value: (watch.seconds * 1000 / Double(frames) * 100).rounded() / 100,
            unit: "ms")
    }
}
