import TabSync

/// A lesson's prompt: the learner is asked to do one thing to one tab, named as the terminal UI's
/// action (the UI shows the key its key table binds to it), not as a key. Answered in the UI by
/// that key on that tab (or by space), the prompt itself carries the action out, once; headless,
/// the prompt carries it out as soon as it is reached.
///
/// ```yaml
/// - {at: 6s, prompt: {action: freeze, tab: A, text: "Freeze the leader."}}
/// ```
public struct LessonPrompt: Sendable, Equatable {
    /// What the learner is asked to do, as the UI's keys do it.
    public enum Action: String, CaseIterable, Sendable {
        /// Open the tab, as a new page (the UI's new-tab key opens the first free name, A to Z).
        case open
        /// Close the tab gracefully: it says goodbye.
        case close
        /// Kill the tab: a crash, no goodbye.
        case kill
        /// Reopen a closed or killed tab.
        case reopen
        /// Freeze a running tab (the UI's freeze key freezes or thaws).
        case freeze
        /// Thaw a frozen tab.
        case thaw
        /// Cut the tab off from all the others (the UI's cut key cuts or heals).
        case cut
        /// Join a cut-off tab back to the others.
        case heal
        /// Force the tab to lead, in a new epoch.
        case forceLeader
        /// Fire the tab's leader timeout now: it runs for election.
        case timeOut
        /// A concurrent edit: the tab and the next running tab set two new, different themes at one instant.
        case concurrentEdit
        /// The next conflict strategy, in every tab (`ConflictStrategy.allCases` order, as the UI's
        /// strategy key cycles them). The only action without a tab.
        case strategy

        /// Whether the action is done to a tab (every action but `strategy`).
        public var takesTab: Bool { self != .strategy }
    }

    public var action: Action
    /// The tab the action is done to (for `open`, the tab opened); nil for `strategy`.
    public var tab: String?
    /// What the learner reads.
    public var text: String

    public init(action: Action, tab: String?, text: String) {
        self.action = action
        self.tab = tab
        self.text = text
    }

    /// The themes a concurrent edit picks from, in order: the terminal UI's theme cycle.
    public static let themes: [JSONValue] = ["light", "dark", "system", "high-contrast"]

    /// The tab the learner selects before pressing the action's key: the prompt's tab, except for
    /// `open` (a new tab: any tab may be selected) and `strategy` (every tab).
    public var selectedTab: String? { action == .open ? nil : tab }

    /// `freeze A`: the action and its tab, as the log and the narration name them.
    public var actionText: String { action.rawValue + (tab.map { " " + $0 } ?? "") }

    /// The scenario actions the prompt carries out on `simulation` now. A concurrent edit reads the
    /// tabs' themes to pick two values new to both; the rest do not depend on the moment.
    public func actions(in simulation: Simulation) throws(SimulationError) -> [Scenario.Action] {
        if action == .strategy { return [Self.nextStrategy(after: simulation.options.config.conflictStrategy)] }
        guard let tab else { throw SimulationError("a prompt to \(action.rawValue) names no tab") }
        switch action {
        case .open: return [.open(tab: tab, state: nil)]
        case .close: return [.close(tab)]
        case .kill: return [.kill(tab)]
        case .reopen: return [.reopen(tab)]
        case .freeze: return [.freeze(tab)]
        case .thaw: return [.thaw(tab)]
        case .cut: return [.isolate(tab)]
        case .heal: return [.rejoin(tab)]
        case .forceLeader: return [.forceLeader(tab)]
        case .timeOut: return [.timeOut(tab)]
        case .concurrentEdit: return try Self.concurrentEdit(from: tab, in: simulation)
        case .strategy: return [Self.nextStrategy(after: simulation.options.config.conflictStrategy)]
        }
    }

    /// The strategy after `current` in `ConflictStrategy.allCases` (wrapping), as the UI's strategy
    /// key picks it: `custom` with the demo's resolver.
    static func nextStrategy(after current: ConflictStrategy) -> Scenario.Action {
        let all = ConflictStrategy.allCases
        let next = all[((all.firstIndex(of: current) ?? 0) + 1) % all.count]
        return .conflictStrategy(next, resolver: next == .custom ? DemoSetup.customResolverName : nil)
    }

    /// Tab `name` and the next running tab after it (in opening order, wrapping): the two tabs of a
    /// concurrent edit. `failure` is the error when `name` is not running or runs alone.
    public static func concurrentPair(
        from name: String, in sim: Simulation, orElse failure: @autoclosure () -> String
    ) throws(SimulationError) -> (SimTab, SimTab) {
        guard let i = sim.tabs.firstIndex(where: { $0.name == name }) else {
            throw SimulationError("unknown tab '\(name)'")
        }
        let a = sim.tabs[i]
        let order = sim.tabs[(i + 1)...] + sim.tabs[..<i]
        guard a.liveness == .alive, let b = order.first(where: { $0.liveness == .alive }) else {
            throw SimulationError(failure())
        }
        return (a, b)
    }

    /// The concurrent edit the UI's key makes from tab `name`: it and the next running tab (in
    /// opening order, wrapping) set two themes that neither holds, at the same instant.
    public static func concurrentEdit(from name: String, in sim: Simulation) throws(SimulationError) -> [Scenario
        .Action]
    {
        let (a, b) = try concurrentPair(
            from: name, in: sim, orElse: "a concurrent edit needs tab \(name) and another running")
        let fresh = themes.filter { $0 != a.state["theme"] && $0 != b.state["theme"] }
        return [.set(tab: a.name, state: ["theme": fresh[0]]), .set(tab: b.name, state: ["theme": fresh[1]])]
    }
}
