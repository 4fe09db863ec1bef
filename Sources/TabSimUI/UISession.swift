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
    public let player: ScenarioPlayer
    /// Writes a file (`path`, `contents`); injected so tests record without touching the disk.
    let writeFile: (String, String) throws -> Void

    public var simulation: Simulation { player.simulation }

    public init(
        scenario: Scenario, writeFile: @escaping (String, String) throws -> Void = UISession.writeToDisk
    )
        throws(ScenarioError)
    {
        self.scenario = scenario
        self.player = try ScenarioPlayer(scenario: scenario)
        self.writeFile = writeFile
        player.simulation.tracksFlights = true  // panes count messages in flight; the diagram draws them
        advance(toMs: 0)  // what the scenario does at once (the first tab opens) is there from the first frame
    }

    /// Runs virtual time to `time`, playing the scenario's steps due by then. A step that cannot be
    /// carried out is skipped (it changed nothing) and described in the returned problems.
    @discardableResult
    public func advance(toMs time: Milliseconds) -> [String] {
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

    /// When the next thing happens: an event of the simulation or a step of the scenario.
    public var nextDueMs: Milliseconds? {
        [simulation.nextEventMs, player.nextStepMs].compactMap { $0 }.min()
    }

    /// Carries out a user's action now and keeps it for the recording.
    public func apply(_ action: Scenario.Action) throws(SimulationError) {
        try player.apply(action)
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

    public static func writeToDisk(path: String, contents: String) throws {
        guard let file = fopen(path, "w") else {
            throw UIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        guard fputs(contents, file) >= 0 else {
            throw UIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A problem the UI reports in words.
public struct UIError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
