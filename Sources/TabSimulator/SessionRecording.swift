import TabSync

/// Everything a session depends on: its options and what was done to it, at which virtual time and
/// after how many events. A simulation is a pure function of these, so replaying a recording
/// rebuilds the world exactly as it was at any moment (rewind is built on it).
public struct SessionRecording {
    /// One thing done to the simulation: an action of the scenario format, or a note in the log.
    public enum Step {
        case action(Scenario.Action)
        /// A line the UI added to the log (`Simulation.note`).
        case note(String, tab: String)
    }

    public struct Entry {
        public let atMs: Milliseconds
        /// Events run before it (`VirtualScheduler.executedCount`): it places the step between two
        /// events of the same instant, as when the user acts after stepping one event.
        public let afterEvents: Int
        public let step: Step
    }

    public var name: String
    public var options: SimulationOptions
    /// `Simulation.tracksFlights` and `logsTraffic` of the session: they change what is logged.
    public var tracksFlights: Bool
    public var logsTraffic: Bool
    /// In the order they were done (times and event counts never decrease).
    public private(set) var entries: [Entry] = []

    public init(
        name: String = "session", options: SimulationOptions, tracksFlights: Bool = true,
        logsTraffic: Bool = true
    ) {
        self.name = name
        self.options = options
        self.tracksFlights = tracksFlights
        self.logsTraffic = logsTraffic
    }

    /// Adds a step done on `simulation` now.
    public mutating func record(_ step: Step, on simulation: Simulation) {
        entries.append(Entry(atMs: simulation.nowMs, afterEvents: simulation.scheduler.executedCount, step: step))
    }

    /// Forgets what was done after the moment (`atMs`, `afterEvents`): the history an undo discards.
    public mutating func discard(afterMs time: Milliseconds, afterEvents events: Int) {
        while let last = entries.last, last.atMs > time || last.afterEvents > events { entries.removeLast() }
    }

    /// A new simulation with nothing run yet, configured as the session's was.
    func freshSimulation() throws(ScenarioError) -> ScenarioPlayer {
        let scenario = Scenario(file: name, name: name, seed: options.seed, options: options, steps: [])
        let player = try ScenarioPlayer(scenario: scenario)
        player.simulation.tracksFlights = tracksFlights
        player.simulation.logsTraffic = logsTraffic
        return player
    }

    /// The session rebuilt at virtual time `time`: every step done up to `time` (inclusive) and
    /// every event due by then. Throws when a recorded step cannot be replayed (it could when recorded,
    /// so only a recording edited by hand gets there).
    public func replay(toMs time: Milliseconds) throws(ScenarioError) -> Simulation {
        let replay = try Replay(self)
        try replay.advance(toMs: time, in: self)
        return replay.simulation
    }

    /// The session rebuilt just after its `events`th event (and the steps done before the next one):
    /// how the UI steps back one event at a time.
    public func replay(afterEvents events: Int) throws(ScenarioError) -> Simulation {
        let replay = try Replay(self)
        try replay.advance(toEvent: events, in: self)
        return replay.simulation
    }
}
