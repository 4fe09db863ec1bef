import TabSync

/// A scripted story for the simulator, as read from a YAML scenario file (`ScenarioParser`).
///
/// ```yaml
/// name: Leader crash and failover
/// seed: 7
/// config: {channelName: app-sync, syncKeys: [theme], enableLeaderElection: true, leaderHeartbeatMs: 1000}
/// network: {latencyMs: [1, 5], drop: 0.0, duplicate: 0.0, reorder: 0.0}
/// initialState: {theme: light}
/// steps:
///   - {at: 0ms, open: A}
///   - {at: 2s, kill: A}
///   - {at: 6s, expect: {leader: B}}
/// ```
/// `config` takes the engine's fields (`conflictStrategy: custom` names a built-in resolver with
/// `customResolver:`, see `BuiltinResolvers`). Steps run in time order, same-time steps in file
/// order. Actions: `open` (a name or `{tab, state}`), `close`, `kill`, `freeze`, `thaw`, `reopen`,
/// `set` (`{tab, key: value...}`), `forceLeader`, `timeOut` (a follower's leader timeout fired now), `requestState`, `broadcastState` (a tab or
/// `{tab, keys}`), `partition` (`[[A, B], [C]]`), `isolate`, `rejoin`, `heal` (`true`; `all`: every fault
/// healed and every tab running, see `Simulation.transitionToLiveness()`), `cut` and `restore` (`{from: A,
/// to: B}`: one way), `heal`, `network`, `background`
/// (`{tab, throttleMs}`), `clockSkew` (`{tab, ms}`), `conflictStrategy` (a name or
/// `{strategy, customResolver}`), `workload` (`{editsPerSecond, keys, until}`), `stopWorkload`,
/// `inject` (`{raw: '<frame text>'}` to every tab, `{to: A, raw: ...}` to one: a hostile peer),
/// and for lessons `say` (narration) and `prompt` (`{action, tab, text}`: the learner does a UI action,
/// see `LessonPrompt`).
/// Expectations: `leader` (a name or `none`; no tab may be named `none`), `leaders`, `runningLeaders`
/// (a count), `allFollow` (true: one running leader, followed by every running tab), `state`
/// (`{tab, key: value...}`; `key: null` expects the key absent),
/// `converged`, `connectedTabs` (`{tab, count}`), `neverOnWire`, `sent` (`{tab, type, count}`),
/// `dropped` (`{tab, reason, count}`, a `DropReason` such as `keys and state disagree`), `violated`
/// (a safety property's name the checker must have reported: a known fault shown on purpose).
public struct Scenario {
    /// The file it was read from, for error messages.
    public var file: String
    public var name: String
    public var seed: UInt64
    public var options: SimulationOptions
    public var steps: [Step]
    /// The built-in resolver `config` names with `customResolver:` (a closure has no name of its own).
    public var customResolverName: String?
    /// The fields the file sets (`seed`, `config.conflictStrategy`...): the rest took defaults,
    /// which the UI's options may fill in.
    public var fieldsGiven: Set<String> = []

    /// One line of `steps`: at a virtual time, an action or an expectation.
    public struct Step {
        public var atMs: Milliseconds
        public var line: Int
        public var kind: Kind

        public init(atMs: Milliseconds, line: Int = 0, kind: Kind) {
            self.atMs = atMs
            self.line = line
            self.kind = kind
        }
    }

    public init(
        file: String, name: String, seed: UInt64, options: SimulationOptions, steps: [Step],
        customResolverName: String? = nil
    ) {
        self.file = file
        self.name = name
        self.seed = seed
        self.options = options
        self.steps = steps
        self.customResolverName = customResolverName
    }

    public enum Kind {
        case action(Action)
        case expect(Expectation)
    }

    public enum Action: Sendable, Equatable {
        case open(tab: String, state: StateDocument?)
        case close(String)
        case kill(String)
        case freeze(String)
        case thaw(String)
        case reopen(String)
        case set(tab: String, state: StateDocument)
        case forceLeader(String)
        /// A follower's leader timeout fired now: it runs for election (`BroadcastSync.expireLeaderTimeout`).
        case timeOut(String)
        case requestState(String)
        case broadcastState(tab: String, keys: [String]?)
        case partition([[String]])
        case heal
        /// `heal: all`: the calm after faults (`Simulation.transitionToLiveness()`): partitions and
        /// cut links healed, a reliable network, every tab running and in the foreground.
        case healAll
        /// Cuts one tab off from all the others.
        case isolate(String)
        /// Joins a cut-off tab back to the others (the UI's `p` toggles `isolate` and `rejoin`).
        case rejoin(String)
        /// Cuts one direction: what `from` posts no longer reaches `to` (`Simulation.cutLink`).
        case cut(NetworkLink)
        /// Restores a cut direction.
        case restore(NetworkLink)
        case network(NetworkConditions)
        case background(tab: String, throttleMs: Milliseconds)
        case clockSkew(tab: String, ms: Milliseconds)
        case conflictStrategy(ConflictStrategy, resolver: String?)
        /// Users editing at a steady rate in every running tab.
        case workload(Workload)
        case stopWorkload
        /// A raw frame from outside the simulation, to every tab or to one (`Simulation.inject`).
        case inject(to: String?, raw: String)
        /// Lesson narration: printed in the log headless, shown in the UI's narration panel.
        case say(String)
        /// Lesson prompt: the UI pauses and asks the learner to do the prompt's action with the key
        /// bound to it (space lets the lesson do it); answered, the prompt carries the action out.
        /// Headless, it is logged and carries the action out at once.
        case prompt(LessonPrompt)

        /// The action names a scenario file may use, read from the parser's one table.
        public static var names: [String] { ScenarioNodeReader.actions.map(\.name) }

        /// The action's name in a scenario file: the row of the parser's table that reads it. The
        /// case's own name where the table has it; a variant case (`healAll`, `heal: all`) goes by
        /// the row whose name begins its own. `ScenarioVocabularyTests` reads every case back.
        public var name: String { ScenarioNodeReader.actionName(caseName: caseName) }

        /// The Swift name of the case. A switch, not reflection: the fuzzer names every action it
        /// takes, and `Mirror` cost 5% of a fuzz run.
        var caseName: String {
            switch self {
            case .open: "open"
            case .close: "close"
            case .kill: "kill"
            case .freeze: "freeze"
            case .thaw: "thaw"
            case .reopen: "reopen"
            case .set: "set"
            case .forceLeader: "forceLeader"
            case .timeOut: "timeOut"
            case .requestState: "requestState"
            case .broadcastState: "broadcastState"
            case .partition: "partition"
            case .heal: "heal"
            case .healAll: "healAll"
            case .isolate: "isolate"
            case .rejoin: "rejoin"
            case .cut: "cut"
            case .restore: "restore"
            case .network: "network"
            case .background: "background"
            case .clockSkew: "clockSkew"
            case .conflictStrategy: "conflictStrategy"
            case .workload: "workload"
            case .stopWorkload: "stopWorkload"
            case .inject: "inject"
            case .say: "say"
            case .prompt: "prompt"
            }
        }

        /// The tabs the action names.
        public var tabNames: [String] {
            switch self {
            case .open(let t, _), .set(let t, _), .broadcastState(let t, _), .background(let t, _),
                .clockSkew(let t, _):
                [t]
            case .close(let t), .kill(let t), .freeze(let t), .thaw(let t), .reopen(let t), .forceLeader(let t),
                .timeOut(let t), .requestState(let t), .isolate(let t), .rejoin(let t):
                [t]
            case .partition(let groups): groups.flatMap { $0 }
            case .cut(let link), .restore(let link): [link.from, link.to]
            case .inject(let t, _): t.map { [$0] } ?? []
            case .prompt(let p): p.tab.map { [$0] } ?? []
            case .heal, .healAll, .network, .conflictStrategy, .workload, .stopWorkload, .say: []
            }
        }
    }

    public enum Expectation {
        /// The one running tab that leads, or nil for none.
        case leader(String?)
        /// How many live tabs (running or frozen) believe they lead.
        case leaders(Int)
        /// How many running (not frozen) tabs believe they lead: liveness asks for 1 once faults stop.
        case runningLeaders(Int)
        /// Whether there is one running leader and every running tab follows it (true), or not (false).
        case allFollow(Bool)
        case state(tab: String, values: StateDocument)
        case converged(Bool)
        case connectedTabs(tab: String, count: Int)
        case neverOnWire(String)
        /// How many messages of a type a tab has sent so far.
        case sent(tab: String, type: SyncMessageType, count: Int)
        /// How many frames a tab has dropped unread for a reason so far.
        case dropped(tab: String, reason: DropReason, count: Int)
        /// Every synced key of the running tabs holds the value this strategy says must win, by
        /// `WinnerOracle` (which the player then keeps from the start of the run). Named, not read
        /// from the config, so that a run whose tabs do otherwise is caught.
        case winners(ConflictStrategy)
        /// No tab posted more than this many frames in any simulated second since the last `heal: all`.
        case maxSentPerSecond(Int)
        /// The checker has reported this safety property broken (a known fault, shown on purpose):
        /// the final verdict then judges the other properties only.
        case violated(String)

        /// The expectation names a scenario file may use, read from the parser's one table.
        public static var names: [String] { ScenarioNodeReader.expectations.map(\.name) }

        /// The expectation's name in a scenario file: its case's, a row of the parser's table
        /// (`ScenarioVocabularyTests` reads every case back).
        public var name: String {
            switch self {
            case .leader: "leader"
            case .leaders: "leaders"
            case .runningLeaders: "runningLeaders"
            case .allFollow: "allFollow"
            case .state: "state"
            case .converged: "converged"
            case .connectedTabs: "connectedTabs"
            case .neverOnWire: "neverOnWire"
            case .sent: "sent"
            case .dropped: "dropped"
            case .winners: "winners"
            case .maxSentPerSecond: "maxSentPerSecond"
            case .violated: "violated"
            }
        }
    }
}

extension Scenario.Expectation {
    /// The tabs the expectation names.
    public var tabNames: [String] {
        switch self {
        case .leader(let name): name.map { [$0] } ?? []
        case .state(let t, _), .connectedTabs(let t, _), .sent(let t, _, _), .dropped(let t, _, _): [t]
        case .leaders, .runningLeaders, .allFollow, .converged, .neverOnWire, .winners, .maxSentPerSecond, .violated: []
        }
    }
}

extension Scenario.Expectation: CustomStringConvertible {
    public var description: String {
        switch self {
        case .leader(let name): return "leader is \(name ?? "none")"
        case .leaders(let n): return "\(n) tab(s) believe they lead"
        case .runningLeaders(let n): return "\(n) running tab(s) believe they lead"
        case .allFollow(let all):
            return (all ? "one" : "no one") + " leader is followed by every running tab"
        case .state(let tab, let values): return "\(tab) holds \(JSONValue.object(values))"
        case .converged(let c): return c ? "tabs converged" : "tabs diverged"
        case .connectedTabs(let tab, let n): return "\(tab) counts \(n) connected tab(s)"
        case .neverOnWire(let key): return "'\(key)' never on the wire"
        case .sent(let tab, let type, let count): return "\(tab) sent \(count) \(type.rawValue)"
        case .dropped(let tab, let reason, let count): return "\(tab) dropped \(count) frame(s) as \(reason.rawValue)"
        case .winners(let s): return "every key holds the value \(s.rawValue) says must win"
        case .maxSentPerSecond(let n): return "no tab sent more than \(n) frame(s) in a second since the calm"
        case .violated(let property): return "the checker reported '\(property)'"
        }
    }
}
