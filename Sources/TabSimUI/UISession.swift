import TabSimulator
import TabSync

#if canImport(Glibc)
    import Glibc
#endif

/// The world the UI acts on: a simulation played by a `ScenarioPlayer`, from a scenario file or
/// from the demo setup (`DemoSetup.scenario`). Every change a key makes is a scenario action
/// applied at the current virtual time, and the player keeps each one with its time, so the
/// session can be written out (`recording()`) and replayed exactly by `tabsim run`. Replaying a
/// session (or rewinding it) is: a fresh session from the same scenario, the same actions at the
/// same virtual times.
public final class UISession {
    /// What the session started from: seed, configuration, initial state and the steps to play.
    public let scenario: Scenario
    /// Plays the scenario; a rewind replaces it with a fresh replay (`rewind(toMs:)`).
    public private(set) var player: ScenarioPlayer
    /// What the user did, in order: the history a rewind replays and a resume cuts.
    public private(set) var history: [Done] = []
    /// How many of `history` the current world has done; fewer while rewound into the past.
    public private(set) var replayed = 0
    /// True from a rewind until the session goes on from there (`resume()` or an action).
    public private(set) var isRewound = false
    /// How far behind the present spare replays are kept (`maintainSpares`): a jump back starts
    /// from the nearest spare at or before the moment instead of from the seed.
    public var spareLagsMs: [Milliseconds] = [15_000, 40_000, 90_000]
    /// A replay behind the present: its player and how much of `history` it has done.
    private struct Spare {
        let player: ScenarioPlayer
        var replayed: Int
    }
    private var spares: [Spare] = []
    /// Writes a file (`path`, `contents`); injected so tests record without touching the disk.
    let writeFile: (String, String) throws -> Void

    public var simulation: Simulation { player.simulation }

    /// `pausesAtPrompts`: a lesson played interactively, time standing still at each `prompt:`
    /// until the learner answers it (`answerPrompt()`).
    public init(
        scenario: Scenario, pausesAtPrompts: Bool = false,
        writeFile: @escaping (String, String) throws -> Void = UISession.writeToDisk
    )
        throws(ScenarioError)
    {
        self.scenario = scenario
        self.player = try ScenarioPlayer(scenario: scenario)
        self.writeFile = writeFile
        player.pausesAtPrompts = pausesAtPrompts
        player.simulation.tracksFlights = true  // panes count messages in flight; the diagram draws them
        advance(toMs: 0)  // what the scenario does at once (the first tab opens) is there from the first frame
    }

    /// One thing the user did, at the virtual time and after the number of events it was done at.
    public struct Done {
        public enum Kind {
            case action(Scenario.Action)
            /// The learner answered a lesson's prompt.
            case answer
        }
        public let atMs: Milliseconds
        public let afterEvents: Int
        public let kind: Kind
    }

    /// Runs virtual time to `time`, playing the scenario's steps due by then. A step that cannot be
    /// carried out is skipped (it changed nothing) and described in the returned problems.
    /// Within a rewound past, the history recorded after now is done again at its moments.
    @discardableResult
    public func advance(toMs time: Milliseconds) -> [String] {
        Self.replay(player, &replayed, history, toMs: time)
    }

    /// Moves `player`, which has done `replayed` entries of `history`, to `time`, doing the
    /// entries due on the way at their moments.
    private static func replay(
        _ player: ScenarioPlayer, _ replayed: inout Int, _ history: [Done], toMs time: Milliseconds
    ) -> [String] {
        var problems: [String] = []
        while replayed < history.count, history[replayed].atMs <= time {
            let done = history[replayed]
            problems += play(player, toMs: done.atMs)
            redo(done, player, &replayed, &problems)
        }
        return problems + play(player, toMs: time)
    }

    private func play(toMs time: Milliseconds) -> [String] { Self.play(player, toMs: time) }

    /// The player run to `time`, skipping (and describing) steps that cannot be carried out.
    private static func play(_ player: ScenarioPlayer, toMs time: Milliseconds) -> [String] {
        var problems: [String] = []
        while true {
            do {
                try player.advance(toMs: time)
                return problems
            } catch {
                problems.append("scenario step skipped: \(error)")
            }
        }
    }

    private func redo(_ done: Done, _ problems: inout [String]) { Self.redo(done, player, &replayed, &problems) }

    /// Does a recorded entry again (the history already holds it).
    private static func redo(
        _ done: Done, _ player: ScenarioPlayer, _ replayed: inout Int, _ problems: inout [String]
    ) {
        replayed += 1
        switch done.kind {
        case .action(let action):
            do { try player.apply(action) } catch { problems.append("replay: \(error.message)") }
        case .answer:
            do { try player.answerPrompt() } catch { problems.append("scenario step skipped: \(error)") }
        }
    }

    /// Moves the spare replays towards their places behind the present (`spareLagsMs`), each by at
    /// most `budgetMs` of virtual time, starting new ones where missing. The UI calls it on each
    /// tick, so a jump back replays at most about a lag's worth of time instead of the whole session.
    public func maintainSpares(budgetMs: Milliseconds = .max) {
        let now = simulation.nowMs
        var free = spares.filter { $0.player.simulation.nowMs <= now }
            .sorted { $0.player.simulation.nowMs > $1.player.simulation.nowMs }
        var kept: [Spare] = []
        for target in spareLagsMs.map({ now - $0 }).filter({ $0 > 0 }).sorted(by: >) {
            var spare: Spare
            if let i = free.firstIndex(where: { $0.player.simulation.nowMs <= target }) {
                spare = free.remove(at: i)
            } else if let fresh = try? freshPlayer() {
                spare = Spare(player: fresh, replayed: 0)
            } else {
                continue
            }
            let start = spare.player.simulation.nowMs
            let stop = budgetMs >= target - start ? target : start + budgetMs
            _ = Self.replay(spare.player, &spare.replayed, history, toMs: stop)
            kept.append(spare)
        }
        spares = kept
    }

    /// Virtual times of the spare replays, latest first.
    public var spareTimesMs: [Milliseconds] { spares.map(\.player.simulation.nowMs).sorted(by: >) }

    /// Records what the user does now: the scenario's steps due now come first (as in a replay),
    /// and a rewound past's later history is cut (an editor's undo).
    private func record(_ kind: Done.Kind) -> [String] {
        resume()
        let problems = play(toMs: simulation.nowMs)
        history.append(Done(atMs: simulation.nowMs, afterEvents: simulation.scheduler.executedCount, kind: kind))
        replayed = history.count
        return problems
    }

    /// Goes on from the current moment: what was done after it is forgotten.
    public func resume() {
        if replayed < history.count {
            history.removeLast(history.count - replayed)
            let now = simulation.nowMs
            spares.removeAll { $0.player.simulation.nowMs >= now }  // they may hold the forgotten history
        }
        isRewound = false
    }

    /// The learner answered the waiting prompt (its key on its tab, or space): the prompt's action
    /// is carried out, once, and the lesson goes on. Returns what could not be carried out.
    @discardableResult
    public func answerPrompt() -> [String] {
        var problems = record(.answer)
        do { try player.answerPrompt() } catch { problems.append("scenario step skipped: \(error)") }
        return problems
    }

    /// The world as it was at virtual time `time`: a fresh replay of the scenario and the history.
    /// Later history stays until the session goes on from there, so moving forward shows it again.
    @discardableResult
    public func rewind(toMs time: Milliseconds) throws(ScenarioError) -> [String] {
        let time = max(0, time)
        if time < simulation.nowMs { try restart { $0.nowMs <= time } }
        isRewound = true
        return advance(toMs: time)
    }

    /// The world just after its `events`th event (with what the user did before the next one).
    @discardableResult
    public func rewind(toEvent events: Int) throws(ScenarioError) -> [String] {
        if events < simulation.scheduler.executedCount { try restart { $0.scheduler.executedCount <= events } }
        isRewound = true
        var problems: [String] = []
        while true {
            if replayed < history.count, history[replayed].afterEvents <= simulation.scheduler.executedCount {
                let done = history[replayed]
                problems += play(toMs: done.atMs)
                redo(done, &problems)
                continue
            }
            guard simulation.scheduler.executedCount < events, player.waitingPrompt == nil, let next = nextDueMs
            else { break }  // (time stands still at a prompt)
            if let step = player.nextStepMs, step < (simulation.nextEventMs ?? .max) {
                problems += play(toMs: next)  // the scenario's step at that instant (no event before it)
            } else {
                simulation.step()
            }
        }
        return problems
    }

    /// Goes back to the latest spare replay that `usable` accepts, or to a fresh one; the current
    /// world becomes a spare if it is still behind the present (it is not: it is where we rewind from).
    private func restart(_ usable: (Simulation) -> Bool) throws(ScenarioError) {
        let candidates = spares.indices.filter { usable(spares[$0].player.simulation) }
        if let best = candidates.max(by: {
            spares[$0].player.simulation.scheduler.executedCount < spares[$1].player.simulation.scheduler.executedCount
        }) {
            let spare = spares.remove(at: best)
            player = spare.player
            replayed = spare.replayed
        } else {
            player = try freshPlayer()
            replayed = 0
        }
        isRewound = true
    }

    /// A player of the scenario as this session plays it, nothing done yet.
    private func freshPlayer() throws(ScenarioError) -> ScenarioPlayer {
        let fresh = try ScenarioPlayer(scenario: scenario)
        fresh.simulation.tracksFlights = true
        fresh.pausesAtPrompts = player.pausesAtPrompts
        return fresh
    }

    /// When the next thing happens: an event of the simulation or a step of the scenario (nothing
    /// while a lesson's prompt waits: time stands still).
    public var nextDueMs: Milliseconds? {
        guard player.waitingPrompt == nil else { return nil }
        return [simulation.nextEventMs, player.nextStepMs].compactMap { $0 }.min()
    }

    /// The lesson's prompt waiting for the learner, if any.
    public var waitingPrompt: LessonPrompt? { player.waitingPrompt }

    /// The lesson's latest narration, as the log holds it: every `say:` of the latest instant that
    /// had one, in order (a lesson may say two things at once). What the banner shows.
    public var narration: [String] {
        var said: [String] = []
        var instant: Milliseconds?
        for e in simulation.log.events.reversed() where e.kind == .action && e.tab == "sim" {
            guard case .narration(let text) = e.fact else { continue }
            if let instant, e.timeMs != instant { break }
            instant = e.timeMs
            said.insert(text, at: 0)
        }
        return said
    }

    /// Carries out a user's action now and keeps it for the recording.
    public func apply(_ action: Scenario.Action) throws(SimulationError) {
        _ = record(.action(action))
        do { try player.apply(action) } catch {
            history.removeLast()  // it changed nothing
            replayed = history.count
            throw error
        }
    }

    /// The keys panes show, in order: the configuration's synced keys, or (when it syncs every key)
    /// the keys of the initial state that are not excluded.
    public var shownKeys: [String] {
        let config = scenario.options.config
        if !config.syncKeys.isEmpty { return config.syncKeys }
        let keys = scenario.options.initialState.keys.filter { !config.excludeKeys.contains($0) }.sorted()
        return keys.isEmpty ? DemoSetup.syncedKeys : keys
    }

    /// The local-only key panes show, if the configuration has one.
    public var localKey: String? { scenario.options.config.excludeKeys.first }

    /// The state a tab opened with `n` starts from: the initial state and a local value of its own.
    public func newTabState(_ name: String) -> StateDocument {
        var state = scenario.options.initialState
        if let localKey { state[localKey] = .string("token-\(name.lowercased())") }
        return state
    }

    /// What holds now, as expectations: who leads, each tab's synced state, converged or not.
    public func expectationsNow() -> [Scenario.Expectation] {
        let sim = simulation
        let running = sim.tabs.filter { $0.liveness == .alive && $0.isLeader }
        var out: [Scenario.Expectation] = [.leaders(sim.leaders.count)]
        if running.count <= 1 { out.append(.leader(running.first?.name)) }
        for tab in sim.tabs {
            let synced = tab.state.filter { tab.sync.isSynced($0.key) }
            if !synced.isEmpty { out.append(.state(tab: tab.name, values: synced)) }
        }
        out.append(.converged(sim.convergence().converged))
        return out
    }

    /// The session so far as a scenario file: the start, every action at its virtual time, and
    /// what holds now as expectations. `tabsim run` replays it with every expectation holding.
    public func recording() throws(ScenarioWriterError) -> String {
        simulation.run(untilMs: simulation.nowMs)  // what is due now runs before the check, as in a replay
        let now = simulation.nowMs
        var recorded = scenario
        recorded.name = "Recorded session" + (scenario.file == "(demo)" ? "" : " of \(scenario.name)")
        recorded.steps = player.performed + expectationsNow().map { Scenario.Step(atMs: now, kind: .expect($0)) }
        return try ScenarioWriter.yaml(
            recorded,
            comment: [
                "Recorded by the tabsim terminal UI at virtual time \(String(formatTime(now).drop { $0 == " " })), "
                    + "seed \(scenario.seed).",
                "Replay: tabsim run FILE (every expectation at the end holds when the replay matches).",
            ])
    }

    /// Writes `recording()` to `path`; returns how many actions it holds.
    public func save(to path: String) throws -> Int {
        try writeFile(path, try recording())
        return player.performed.count
    }

    /// Writes `contents` to `path`, or throws naming the path and the error. Every step is checked,
    /// the flush and the close too: a full disk (`/dev/full`) takes the buffered text without a word
    /// and fails only when it is flushed.
    public static func writeToDisk(path: String, contents: String) throws {
        func failure() -> UIError { UIError("cannot write \(path): \(String(cString: strerror(errno)))") }
        guard let file = fopen(path, "w") else { throw failure() }
        guard fputs(contents, file) >= 0, fflush(file) == 0 else {
            let error = failure()
            fclose(file)
            throw error
        }
        guard fclose(file) == 0 else { throw failure() }
    }
}

/// A problem the UI reports in words.
public struct UIError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
