import TabSync

/// Everything a session depends on: where it started (a scenario: options and the steps it plays
/// along, often none) and what was done to it, at which virtual time and after how many events. A
/// simulation is a pure function of these, so replaying a recording rebuilds the world exactly as
/// it was at any moment (rewind is built on it).
public struct SessionRecording {
    /// One thing done to the simulation: an action of the scenario format, a note in the log, or a
    /// lesson's prompt answered.
    public enum Step {
        case action(Scenario.Action)
        /// A line the UI added to the log (`Simulation.note`).
        case note(String, tab: String)
        /// The learner answered the lesson's waiting prompt, or read on past its held narration: its
        /// steps go on.
        case answer
    }

    public struct Entry {
        public let atMs: Milliseconds
        /// Events run before it (`VirtualScheduler.executedCount`): it places the step between two
        /// events of the same instant, as when the user acts after stepping one event.
        public let afterEvents: Int
        public let step: Step
    }

    /// What the session starts from: its options and the steps it plays as time reaches them.
    public var scenario: Scenario
    /// True for an interactive lesson: time stands still at each `prompt:` until it is answered.
    public var pausesAtPrompts: Bool
    /// True for `tabsim learn`: time also stands still after each instant that says something,
    /// until the learner reads on (`ScenarioPlayer.holdsNarration`; `answer` releases it).
    public var holdsNarration: Bool
    /// `Simulation.tracksFlights` and `logsTraffic` of the session: they change what is logged.
    public var tracksFlights: Bool
    public var logsTraffic: Bool
    /// In the order they were done (times and event counts never decrease).
    public private(set) var entries: [Entry] = []

    public var name: String { scenario.file }
    public var options: SimulationOptions { scenario.options }

    /// A session that plays `scenario`'s steps along with what is done to it.
    public init(
        scenario: Scenario, pausesAtPrompts: Bool = false, holdsNarration: Bool = false, tracksFlights: Bool = true,
        logsTraffic: Bool = true
    ) {
        self.scenario = scenario
        self.pausesAtPrompts = pausesAtPrompts
        self.holdsNarration = holdsNarration
        self.tracksFlights = tracksFlights
        self.logsTraffic = logsTraffic
    }

    /// A session of these options with no steps of its own.
    public init(
        name: String = "session", options: SimulationOptions, tracksFlights: Bool = true,
        logsTraffic: Bool = true
    ) {
        self.init(
            scenario: Scenario(file: name, name: name, seed: options.seed, options: options, steps: []),
            tracksFlights: tracksFlights, logsTraffic: logsTraffic)
    }

    /// Adds a step done on `simulation` now.
    public mutating func record(_ step: Step, on simulation: Simulation) {
        record(step, atMs: simulation.nowMs, afterEvents: simulation.scheduler.executedCount)
    }

    /// Adds a step done at virtual time `atMs`, after `afterEvents` events.
    public mutating func record(_ step: Step, atMs: Milliseconds, afterEvents: Int) {
        entries.append(Entry(atMs: atMs, afterEvents: afterEvents, step: step))
    }

    /// Forgets what was done after the moment (`atMs`, `afterEvents`): the history an undo discards.
    public mutating func discard(afterMs time: Milliseconds, afterEvents events: Int) {
        while let last = entries.last, last.atMs > time || last.afterEvents > events { entries.removeLast() }
    }

    /// A new simulation with nothing run yet, configured as the session's was.
    func freshPlayer() throws(ScenarioError) -> ScenarioPlayer {
        let player = try ScenarioPlayer(scenario: scenario)
        player.simulation.tracksFlights = tracksFlights
        player.simulation.logsTraffic = logsTraffic
        player.pausesAtPrompts = pausesAtPrompts
        player.holdsNarration = holdsNarration
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
