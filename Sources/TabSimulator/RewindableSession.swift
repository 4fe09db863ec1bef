import TabSync

/// A live simulation that can go back in time: the one rewind engine, which the terminal UI runs
/// (its `[` `.` `{` `}` keys) and `ui.rewind_ms` measures. It plays a scenario's steps as time
/// reaches them (none for a bare session; a lesson's, standing still at each prompt until it is
/// answered), and every action done to it goes through here and is recorded, so any earlier moment
/// can be rebuilt by replay (`SessionRecording`).
///
/// Rewinding keeps the later history until the session moves on from the rewound moment: jumping
/// forward again shows the same world; acting (or `resume()`) discards what came after, as an
/// editor's undo does.
///
/// Checkpoints: a simulation cannot be copied, so replaying a long session from its start takes
/// as long as running it. The session therefore keeps spare replays a little behind the present
/// (`spareLagsMs`), moved forward by `maintainSpares` (the UI calls it between frames, within a
/// budget); a jump back starts from the nearest spare at or before the moment, and uses it up.
public final class RewindableSession {
    public private(set) var simulation: Simulation
    public private(set) var recording: SessionRecording
    /// How far behind the present the spares are kept: a jump back of up to the first lag replays
    /// at most that lag's worth of time.
    public var spareLagsMs: [Milliseconds] = [15_000, 40_000, 90_000]
    /// True from a rewind until the session goes on from there (`resume()` or an action).
    public private(set) var isRewound = false
    /// The replay that owns `simulation` and performs the actions.
    private var current: Replay
    private var spares: [Replay] = []

    /// A session rebuilt from a recording, at its last recorded step.
    public init(recording: SessionRecording) throws(ScenarioError) {
        self.recording = recording
        current = try Replay(recording)
        try current.advance(toMs: recording.entries.last?.atMs ?? 0, in: recording)
        simulation = current.simulation
    }

    /// A new session of these options, nothing done yet.
    public convenience init(options: SimulationOptions, tracksFlights: Bool = true) throws(ScenarioError) {
        try self.init(recording: SessionRecording(options: options, tracksFlights: tracksFlights))
    }

    /// A new session playing `scenario`, what it does at once done (`pausesAtPrompts`: a lesson
    /// played interactively, time standing still at each `prompt:` until `answerPrompt()`;
    /// `holdsNarration`: and after each instant that says something, until `answerPrompt()`).
    public convenience init(scenario: Scenario, pausesAtPrompts: Bool = false, holdsNarration: Bool = false)
        throws(ScenarioError)
    {
        try self.init(
            recording: SessionRecording(
                scenario: scenario, pausesAtPrompts: pausesAtPrompts, holdsNarration: holdsNarration))
    }

    /// What the session started from: seed, configuration, initial state and the steps it plays.
    public var scenario: Scenario { recording.scenario }
    /// The player of the scenario's steps, on `simulation`: its verdicts and what it performed.
    public var player: ScenarioPlayer { current.player }

    /// Runs virtual time to `time`, playing the scenario's steps due by then; within a rewound past,
    /// the history recorded after now is done again at its moments. Returns the scenario steps that
    /// could not be carried out (skipped: they changed nothing), described.
    @discardableResult
    public func advance(toMs time: Milliseconds) throws(ScenarioError) -> [String] {
        try current.advance(toMs: time, in: recording)
    }

    /// Does `action` on the simulation at this very moment and records it. Discards the history
    /// after this moment first.
    public func perform(_ action: Scenario.Action) throws(SimulationError) {
        resume()
        let moment = self.moment
        try current.player.performRecorded(action)
        record(.action(action), at: moment)
    }

    /// Carries out `action` now as a scenario step at this time would be: what is due by now (events
    /// and the scenario's steps) first, so a replay of the session as a scenario file does the same.
    /// What the UI's keys do. Discards the history after this moment first.
    public func apply(_ action: Scenario.Action) throws(SimulationError) {
        resume()
        _ = current.play(toMs: simulation.nowMs)
        let moment = self.moment
        try current.player.apply(action)
        record(.action(action), at: moment)
    }

    /// Adds a line to the log now, recorded like an action.
    public func note(_ text: String, tab: String = "ui") {
        resume()
        let moment = self.moment
        simulation.note(text, tab: tab)
        record(.note(text, tab: tab), at: moment)
    }

    /// The learner answered the waiting prompt (its key on its tab, or space): the prompt's action
    /// is carried out, once, and the lesson goes on; or read on past the held narration (space).
    /// Returns what could not be carried out.
    @discardableResult
    public func answerPrompt() -> [String] {
        resume()
        _ = current.play(toMs: simulation.nowMs)
        let moment = self.moment
        var problems: [String] = []
        do { try player.answerPrompt() } catch { problems.append("scenario step skipped: \(error)") }
        record(.answer, at: moment)
        return problems
    }

    /// Now: the virtual time and the events run, where a step done now is replayed.
    private var moment: (atMs: Milliseconds, afterEvents: Int) {
        (simulation.nowMs, simulation.scheduler.executedCount)
    }

    /// Records a step done at `moment` (taken before doing it); the live replay has done them all.
    private func record(_ step: SessionRecording.Step, at moment: (atMs: Milliseconds, afterEvents: Int)) {
        recording.record(step, atMs: moment.atMs, afterEvents: moment.afterEvents)
        current.caughtUp(with: recording)
    }

    /// The lesson's prompt waiting for the learner, if any.
    public var waitingPrompt: LessonPrompt? { player.waitingPrompt }

    /// True while time stands still for the learner to read the narration (space reads on:
    /// `answerPrompt()`).
    public var isHoldingNarration: Bool { player.isHoldingNarration }

    /// When the next thing happens: an event of the simulation or a step of the scenario (nothing
    /// while a lesson's prompt waits: time stands still).
    public var nextDueMs: Milliseconds? { current.nextDueMs }

    /// The world as it was (or, within the recorded history, will be) at virtual time `time`.
    @discardableResult
    public func rewind(toMs time: Milliseconds) throws(ScenarioError) -> [String] {
        let time = max(0, time)
        if time < simulation.nowMs {
            try use(spare { $0.nowMs <= time })
        }
        isRewound = true
        return try current.advance(toMs: time, in: recording)
    }

    /// The world just after its `events`th event: `.` and `[` step one event forward and back.
    @discardableResult
    public func rewind(toEvent events: Int) throws(ScenarioError) -> [String] {
        let events = max(0, events)
        if events < simulation.scheduler.executedCount {
            try use(spare { $0.scheduler.executedCount <= events })
        }
        isRewound = true
        return try current.advance(toEvent: events, in: recording)
    }

    /// Goes on from the current moment: recorded steps after it are discarded, and spares that
    /// are not behind it.
    public func resume() {
        isRewound = false
        let now = simulation.nowMs
        recording.discard(afterMs: now, afterEvents: simulation.scheduler.executedCount)
        spares.removeAll { $0.simulation.nowMs >= now }
    }

    /// Moves the spares towards their places behind the present (`spareLagsMs`), each by at most
    /// `budgetMs` of simulated time, starting new ones where missing. Returns true when every spare
    /// is in place.
    @discardableResult
    public func maintainSpares(budgetMs: Milliseconds = .max) throws(ScenarioError) -> Bool {
        let now = simulation.nowMs
        var free = spares.filter { $0.simulation.nowMs <= now }.sorted { $0.simulation.nowMs > $1.simulation.nowMs }
        var kept: [Replay] = []
        var done = true
        for target in spareLagsMs.map({ now - $0 }).filter({ $0 > 0 }).sorted(by: >) {
            let reusable = free.firstIndex { $0.simulation.nowMs <= target }.map { free.remove(at: $0) }
            let spare: Replay
            if let reusable { spare = reusable } else { spare = try Replay(recording) }
            let start = spare.simulation.nowMs
            let stop = budgetMs >= target - start ? target : start + budgetMs
            try spare.advance(toMs: stop, in: recording)
            if stop < target { done = false }
            kept.append(spare)
        }
        spares = kept
        return done
    }

    /// Times of the spares, latest first (for tests and the status line).
    public var spareTimesMs: [Milliseconds] { spares.map(\.simulation.nowMs).sorted(by: >) }

    /// Makes the best spare (or a new replay) current; the rest that are behind it stay.
    private func use(_ spare: Replay?) throws(ScenarioError) {
        let chosen: Replay
        if let spare { chosen = spare } else { chosen = try Replay(recording) }
        spares.removeAll { $0 === chosen }
        current = chosen
        simulation = chosen.simulation
    }

    /// The latest spare satisfying `usable`.
    private func spare(_ usable: (Simulation) -> Bool) -> Replay? {
        spares.filter { usable($0.simulation) }.max {
            $0.simulation.scheduler.executedCount < $1.simulation.scheduler.executedCount
        }
    }
}
