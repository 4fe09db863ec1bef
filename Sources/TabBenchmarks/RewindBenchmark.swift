import TabSimUI
import TabSimulator
import TabSync

/// `ui.rewind_ms`: jumping back 10 s in a 10-minute session of 8 tabs, as the UI's `{` key does.
/// The session: election on (1 s heartbeats), every message followed for the diagram, a user
/// editing once a second in each tab, and a fault every minute (kill, reopen, freeze, thaw,
/// partition, heal), each applied as the UI's keys apply theirs (`RewindableSession.apply`). The
/// jump is the UI's own: `UIUpdate` given `{` while paused. It replays from the nearest spare
/// replay kept behind the present (`RewindableSession.maintainSpares`, which the UI runs between
/// frames; here before each jump, untimed). `fromStart: true` measures a replay from the seed instead.
public enum RewindBenchmark {
    /// A recorded session of `minutes` (10 for the figure) at its end.
    public static func session(minutes: Int = 10) throws -> RewindableSession {
        let options = SimulationBenchmarks.busyTabs(network: .local)
        let session = try RewindableSession(
            scenario: Scenario(file: "bench", name: "rewind", seed: options.seed, options: options, steps: []))
        let names = (0..<8).map { String(UnicodeScalar(UInt8(65 + $0))) }
        for (i, name) in names.enumerated() {
            try session.advance(toMs: i * 100)
            try session.apply(.open(tab: name, state: nil))
        }
        try session.apply(.workload(Workload(editsPerSecondPerTab: 1)))
        let faults: [Scenario.Action] = [
            .kill("A"), .reopen("A"), .freeze("B"), .thaw("B"), .partition([["C", "D"]]), .heal,
            .set(tab: "E", state: ["theme": "dark"]), .close("F"), .reopen("F"),
        ]
        for (minute, fault) in faults.enumerated() where minute + 1 < minutes {
            try session.advance(toMs: (minute + 1) * 60_000)
            try session.apply(fault)
        }
        try session.advance(toMs: minutes * 60_000)
        return session
    }

    /// The best of `rounds` jumps from the session's end to 10 s earlier, in milliseconds.
    public static func measure(rounds: Int = 3, minutes: Int = 10, fromStart: Bool = false) throws -> BenchmarkResult {
        let session = try session(minutes: minutes)
        if fromStart { session.spareLagsMs = [] }
        let end = minutes * 60_000
        var best = Double.infinity
        var paused = UIState()
        paused.paused = true
        for _ in 0..<rounds {
            try session.maintainSpares()
            let watch = Stopwatch()
            _ = UIUpdate.update(paused, .jumpBack, session)
            best = min(best, watch.seconds * 1000)
            precondition(session.simulation.nowMs == end - 10_000)
            try session.rewind(toMs: end)
        }
        return BenchmarkResult(
            name: fromStart ? "ui.rewind_from_start_ms" : "ui.rewind_ms", value: (best * 10).rounded() / 10, unit: "ms")
    }
}
