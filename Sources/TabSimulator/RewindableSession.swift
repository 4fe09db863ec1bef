import TabSync

/// A live simulation that can go back in time: every action goes through here and is recorded, so
/// any earlier moment can be rebuilt by replay (`SessionRecording`). The UI's `[` `.` `{` `}` keys.
///
/// Rewinding keeps the later history until the session moves on from the rewound moment: jumping
/// forward again shows the same world; acting (or `resume()`) discards what came after, as an
/// editor's undo does.
public final class RewindableSession {
    public private(set) var simulation: Simulation
    public private(set) var recording: SessionRecording
    /// Performs the actions; it owns `simulation`.
    private var player: ScenarioPlayer

    /// A session rebuilt from a recording, at its last recorded step.
    public init(recording: SessionRecording) throws(ScenarioError) {
        self.recording = recording
        player = try recording.player(toMs: recording.entries.last?.atMs ?? 0)
        simulation = player.simulation
    }

    /// A new session of these options, nothing done yet.
    public convenience init(options: SimulationOptions, tracksFlights: Bool = true) throws(ScenarioError) {
        try self.init(recording: SessionRecording(options: options, tracksFlights: tracksFlights))
    }

    /// Does `action` on the simulation now and records it. Discards the history after this moment first.
    public func perform(_ action: Scenario.Action) throws(SimulationError) {
        resume()
        try player.perform(action)
        recording.record(.action(action), on: simulation)
    }

    /// Adds a line to the log now, recorded like an action.
    public func note(_ text: String, tab: String = "ui") {
        resume()
        simulation.note(text, tab: tab)
        recording.record(.note(text, tab: tab), on: simulation)
    }

    /// The world as it was at virtual time `time` (later history kept until `resume()` or an action).
    public func rewind(toMs time: Milliseconds) throws(ScenarioError) {
        player = try recording.player(toMs: max(0, time))
        simulation = player.simulation
    }

    /// The world just after its `events`th event: `.` and `[` step one event forward and back.
    public func rewind(toEvent events: Int) throws(ScenarioError) {
        player = try recording.player(afterEvents: max(0, events))
        simulation = player.simulation
    }

    /// Goes on from the current moment: recorded steps after it are discarded.
    public func resume() {
        recording.discard(afterMs: simulation.nowMs, afterEvents: simulation.scheduler.executedCount)
    }
}
