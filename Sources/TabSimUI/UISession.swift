import TabSimulator
import TabSync

/// The world the UI acts on is the one rewind engine, `RewindableSession`: a simulation playing a
/// scenario file or the demo setup (`DemoSetup.scenario`), every key's change a scenario action
/// applied at the current virtual time and recorded, so the session can be written out
/// (`scenarioFile()`) and replayed exactly by `tabsim run`, and rewound by replay.
public typealias UISession = RewindableSession

extension RewindableSession {
    /// The lesson's latest narration: every `say:` of the latest instant that had one, in order (a
    /// lesson may say two things at once). What the narration panel shows. Read from what the
    /// player performed, not from the log (which forgets its oldest lines), so a rewind shows the
    /// narration of its moment.
    public var narration: [String] {
        var said: [String] = []
        var instant: Milliseconds?
        for step in player.performed.reversed() {
            guard case .action(.say(let text)) = step.kind else { continue }
            if let instant, step.atMs != instant { break }
            instant = step.atMs
            said.insert(text, at: 0)
        }
        return said
    }

    /// How many `say:` steps have been performed: grows by one with each narration.
    public var saidCount: Int {
        player.performed.count { if case .action(.say) = $0.kind { true } else { false } }
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
    /// Returns the text and how many actions it holds.
    public func scenarioFile() throws(ScenarioWriterError) -> (text: String, actions: Int) {
        simulation.run(untilMs: simulation.nowMs)  // what is due now runs before the check, as in a replay
        let now = simulation.nowMs
        var recorded = scenario
        recorded.name = "Recorded session" + (scenario.file == "(demo)" ? "" : " of \(scenario.name)")
        recorded.steps = player.performed + expectationsNow().map { Scenario.Step(atMs: now, kind: .expect($0)) }
        let text = try ScenarioWriter.yaml(
            recorded,
            comment: [
                "Recorded by the tabsim terminal UI at virtual time \(String(formatTime(now).drop { $0 == " " })), "
                    + "seed \(scenario.seed).",
                "Replay: tabsim run FILE (every expectation at the end holds when the replay matches).",
            ])
        return (text, player.performed.count)
    }
}

/// A problem the UI reports in words.
public struct UIError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
