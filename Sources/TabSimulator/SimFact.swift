import TabSync

/// What one entry of the simulation's log reports, as values: a view reads these (who opened as
/// which id, which fault, which message the network lost and why) and never the line, which is
/// formatted from them once, where it is shown (`SimEvent.line`). Parsing our own log text would
/// tie every view to the wording of a line.
public enum SimFact: Sendable, Equatable {
    /// An engine event of the tab instance `tabId` other than a receipt or an apply.
    case engine(SyncEvent, tabId: String)
    /// `Received: TYPE from sender` of the tab instance `tabId`.
    case received(SyncMessageType, from: String, tabId: String)
    /// `Applied remote state from ... [keys]` of the tab instance `tabId`.
    case applied(from: String, keys: [String], tabId: String)
    /// The log's tab opened (or reopened) as a new instance with this id.
    case opened(tabId: String)
    /// Something done to the world as the scenario format names it: a fault (kill, freeze...), a
    /// user's action (set, forceLeader...), a change of the network or the strategy.
    case action(Scenario.Action, ActionOutcome = .done)
    /// A copy of a message the network lost, duplicated or blocked.
    case route(NetworkRouteFact)
    /// A scenario's expectation judged.
    case verdict(ExpectationResult)
    /// A lesson's narration (`say:`).
    case narration(String)
    /// A lesson's prompt; `waits` when time stands still until the learner answers (the UI), not
    /// when a headless run goes on by itself.
    case prompt(LessonPrompt, waits: Bool)
    /// A caller's free text (`Simulation.note`).
    case note(String)

    /// What the simulator adds to an action's fact when it carried it out.
    public enum ActionOutcome: Sendable, Equatable {
        case done
        /// A thaw: how much queued work ran, and how many older messages the queue dropped.
        case thawed(queued: Int, droppedOlder: Int)
        /// A heal: whether cut links were healed too.
        case healed(cutLinks: Bool)
    }

    public static func == (a: SimFact, b: SimFact) -> Bool {
        switch (a, b) {
        case (.engine(let x, let i), .engine(let y, let j)): i == j && x.debugText == y.debugText
        case (.received(let t, let f, let i), .received(let u, let g, let j)): t == u && f == g && i == j
        case (.applied(let f, let k, let i), .applied(let g, let l, let j)): f == g && k == l && i == j
        case (.opened(let x), .opened(let y)): x == y
        case (.action(let x, let o), .action(let y, let p)): x == y && o == p
        case (.route(let x), .route(let y)): x == y
        case (.verdict(let x), .verdict(let y)): x == y
        case (.narration(let x), .narration(let y)): x == y
        case (.prompt(let p, let w), .prompt(let q, let v)): p == q && w == v
        case (.note(let x), .note(let y)): x == y
        default: false
        }
    }
}

/// A copy of a message the network did not simply deliver: lost, duplicated or blocked (with why).
public struct NetworkRouteFact: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable {
        case lost = "Lost"
        case duplicated = "Duplicated"
        case blocked = "Blocked"
    }
    public let outcome: Outcome
    /// The message type, nil for a frame that is not a message.
    public let type: SyncMessageType?
    public let from: String
    public let to: String
    /// Why it was blocked (a partition, a cut link), if the network said.
    public let reason: String?

    public init(outcome: Outcome, type: SyncMessageType?, from: String, to: String, reason: String?) {
        self.outcome = outcome
        self.type = type
        self.from = from
        self.to = to
        self.reason = reason
    }

    /// `TAB_PING from A to B (partition)`.
    public var text: String {
        "\(type?.rawValue ?? "frame") from \(from) to \(to)" + (reason.map { " (\($0))" } ?? "")
    }
}
