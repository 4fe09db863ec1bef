import Testing
import TabSync
@testable import TabSimulator

/// Rewind rebuilds the world by replay: it must equal a fresh run driven to the same moment,
/// tab for tab, log line for log line, message for message.
@Suite struct RewindTests {
    static func options() -> SimulationOptions {
        var config = BroadcastSyncConfig(channelName: "t")
        config.syncKeys = ["theme", "n"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        config.electionTimeoutMs = 2000
        return SimulationOptions(
            seed: 5, config: config, network: .lossyTeaching, initialState: ["theme": "light", "n": 0])
    }

    /// What the session does: at a time (or after stepping a number of single events), an action.
    enum Move {
        case at(Milliseconds, Scenario.Action)
        case steps(Int, Scenario.Action)
        case note(Milliseconds, String)
    }

    static var script: [Move] {
        [
            .at(0, .open(tab: "A", state: nil)), .at(300, .open(tab: "B", state: nil)),
            .at(700, .open(tab: "C", state: nil)),
            .at(1200, .open(tab: "D", state: ["theme": "dark", "n": 0])),
            .at(4000, .workload(Workload(editsPerSecondPerTab: 2, keys: ["n"]))),
            // A fixed latency: a broadcast reaches every tab at the same instant, so the single steps
            // below stop between events of one instant.
            .at(5000, .network(NetworkConditions(latencyMs: 1...1))),
            .steps(7, .set(tab: "B", state: ["theme": "dark"])),
            .steps(1, .kill("A")),
            .note(12_000, "the user pressed x"),
            .at(15_000, .partition([["B"], ["C", "D"]])),
            .steps(3, .freeze("C")),
            .at(16_000, .network(.lossyTeaching)),
            .at(21_000, .thaw("C")),
            .at(23_000, .heal),
            .at(25_000, .reopen("A")),
            .steps(2, .forceLeader("D")),
            .at(30_000, .close("B")),
        ]
    }

    /// The script played on a plain simulation, with nothing recorded, stopping at `end`.
    func freshRun(toMs end: Milliseconds) throws -> Simulation {
        let player = try ScenarioPlayer(
            scenario: Scenario(file: "fresh", name: "fresh", seed: 5, options: Self.options(), steps: []))
        let sim = player.simulation
        sim.tracksFlights = true
        moves: for move in Self.script {
            switch move {
            case .at(let t, let action):
                guard t <= end else { break moves }
                sim.run(untilMs: t)
                try player.perform(action)
            case .steps(let n, let action):
                for _ in 0..<n {
                    guard let due = sim.nextEventMs, due <= end else { break moves }
                    sim.step()
                }
                try player.perform(action)
            case .note(let t, let text):
                guard t <= end else { break moves }
                sim.run(untilMs: t)
                sim.note(text)
            }
        }
        sim.run(untilMs: end)
        return sim
    }

    /// The script played live through a rewindable session, to 40 s.
    func liveSession() throws -> RewindableSession {
        let session = try RewindableSession(options: Self.options())
        for move in Self.script {
            switch move {
            case .at(let t, let action):
                session.simulation.run(untilMs: t)
                try session.perform(action)
            case .steps(let n, let action):
                for _ in 0..<n { session.simulation.step() }
                try session.perform(action)
            case .note(let t, let text):
                session.simulation.run(untilMs: t)
                session.note(text)
            }
        }
        session.simulation.run(untilMs: 40_000)
        return session
    }

    func expectSameWorld(_ a: Simulation, _ b: Simulation, _ what: String) {
        #expect(a.nowMs == b.nowMs, "\(what): time")
        #expect(a.scheduler.executedCount == b.scheduler.executedCount, "\(what): events run")
        #expect(a.snapshots == b.snapshots, "\(what): tabs")
        #expect(a.describeTabs() == b.describeTabs(), "\(what): tabs")
        #expect(a.log.totalCount == b.log.totalCount, "\(what): log length")
        let linesA = a.log.events.map(\.text)
        let linesB = b.log.events.map(\.text)
        let firstDifference = zip(linesA, linesB).first { $0 != $1 }
        #expect(
            linesA.count == linesB.count && firstDifference == nil,
            "\(what): log lines, first difference: \(String(describing: firstDifference))")
        #expect(a.flights == b.flights, "\(what): messages")
        #expect(a.violations.map(\.description) == b.violations.map(\.description), "\(what): verdicts")
    }

    @Test func rewindEqualsAFreshRunToTheSameTime() throws {
        let session = try liveSession()
        let end = session.simulation
        #expect(end.tabs.count == 4 && end.log.totalCount > 1000, "a busy session")
        // Before the scripted single steps, in the middle of them, and after the last action.
        for t in [9_999, 17_345, 26_000, 35_000] {
            try session.rewind(toMs: t)
            expectSameWorld(session.simulation, try freshRun(toMs: t), "at \(t)")
        }
        // Forward again to the end (history kept): the same world as before rewinding.
        try session.rewind(toMs: 40_000)
        expectSameWorld(session.simulation, end, "back at the end")
    }

    @Test func stepBackOneEventAtATime() throws {
        let session = try liveSession()
        try session.rewind(toMs: 15_000)
        let count = session.simulation.scheduler.executedCount
        let later = session.simulation
        try session.rewind(toEvent: count - 1)
        #expect(session.simulation.scheduler.executedCount == count - 1)
        // One step forward from there is the world one event later.
        session.simulation.step()
        try session.rewind(toEvent: count)
        #expect(session.simulation.snapshots == later.snapshots)
        #expect(Array(session.simulation.log.events.map(\.text)) == Array(later.log.events.map(\.text)))
    }

    @Test func actingAfterARewindDiscardsTheLaterHistory() throws {
        let session = try liveSession()
        let recorded = session.recording.entries.count
        try session.rewind(toMs: 16_000)
        #expect(session.recording.entries.count == recorded, "kept until the session moves on")
        try session.perform(.heal)
        let times = session.recording.entries.map(\.atMs)
        #expect(times.last == 16_000 && times.dropLast().allSatisfy { $0 <= 16_000 })
        session.simulation.run(untilMs: 40_000)
        #expect(session.simulation.tab(named: "B")?.liveness == .alive, "B's close at 30 s was undone")
        let replayed = try session.recording.replay(toMs: 40_000)
        expectSameWorld(replayed, session.simulation, "the new history")
    }

    @Test func sparesBehindThePresentGiveTheSameWorlds() throws {
        let session = try liveSession()
        session.spareLagsMs = [5_000, 12_000, 30_000]
        var calls = 1
        while try !session.maintainSpares(budgetMs: 4_000) { calls += 1 }
        #expect(calls == 9, "the farthest spare, 35 s of replay, in 4 s slices")
        #expect(session.spareTimesMs == [35_000, 28_000, 10_000])
        // Each jump starts from the nearest spare at or before its moment, and uses it up.
        for (t, left) in [(36_000, [28_000, 10_000]), (29_500, [10_000]), (17_345, [])] {
            try session.rewind(toMs: t)
            #expect(session.spareTimesMs == left)
            expectSameWorld(session.simulation, try freshRun(toMs: t), "at \(t)")
        }
        // Spares follow the new present; stepping back one event starts from one too.
        try session.maintainSpares()
        #expect(session.spareTimesMs == [12_345, 5_345])
        let events = session.simulation.scheduler.executedCount
        try session.rewind(toEvent: events - 1)
        #expect(session.spareTimesMs == [5_345])
        expectSameWorld(session.simulation, try session.recording.replay(afterEvents: events - 1), "one event back")
        // Forward again within the recorded history, past a spare's moment: the same world.
        try session.rewind(toMs: 40_000)
        expectSameWorld(session.simulation, try freshRun(toMs: 40_000), "forward")
    }
}
