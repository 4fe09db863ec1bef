import TabSync

/// One entry of the simulation's log: something a tab did, or something done to it, as a typed
/// fact (`fact`); its line is formatted only when read.
///
/// The debug line of an engine event is formatted only when someone reads `line`: formatting every
/// message's payload as JSON cost a third of a busy simulation's time, and most lines are never
/// read (fuzzing, a scrolled-away UI, `tabsim run --quiet`).
public struct SimEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case sent, received, applied, ignored, dropped, role, lifecycle, fault, network, action, verdict
    }

    /// The fact, stored compactly: the common engine lines unboxed, rare facts in a box, so a log
    /// entry stays a few words long.
    private enum Source: Sendable {
        /// `Received: TYPE from sender` of the tab `tabId`. The most common line, so it keeps what
        /// the line shows rather than the message (no box, no payload retained).
        case received(tabId: String, type: SyncMessageType, sender: String)
        /// `Applied remote state from ... [keys]` of the tab `tabId`: the event's own fields, unboxed.
        case applied(tabId: String, from: String, keys: [String])
        case engine(EngineLine)
        /// `[User] set {...}`, the state formatted when read.
        case userSet(StateDocument)
        /// Any other fact (a tab opened, a fault, a verdict, narration...): rare, so boxed.
        case other(Box)
    }

    /// An engine event kept for formatting later, boxed so a log entry stays a few words long
    /// (the event, with its message, is some two hundred bytes).
    private final class EngineLine: Sendable {
        let event: SyncEvent
        let tabId: String
        init(_ event: SyncEvent, _ tabId: String) {
            self.event = event
            self.tabId = tabId
        }
    }

    /// A rarer fact (a fault, a verdict, narration...), boxed for the same reason.
    private final class Box: Sendable {
        let fact: SimFact
        init(_ fact: SimFact) { self.fact = fact }
    }

    /// Virtual time of the simulation (not the tab's possibly skewed clock).
    public let timeMs: Milliseconds
    /// The tab's name in the simulation (`A`, `B`...), or `sim` for the simulator itself.
    public let tab: String
    public let kind: Kind
    /// The message type, for message events.
    public let messageType: SyncMessageType?
    private let source: Source

    /// A fact of the simulator's (an engine event's goes through `init(...event:tabId:)`).
    public init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType? = nil, fact: SimFact) {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = kind
        self.messageType = messageType
        self.source = Self.source(fact)
    }

    private static func source(_ fact: SimFact) -> Source {
        switch fact {
        case .engine(let event, let tabId): return source(event, tabId)
        case .received(let type, let from, let tabId): return .received(tabId: tabId, type: type, sender: from)
        case .applied(let from, let keys, let tabId): return .applied(tabId: tabId, from: from, keys: keys)
        case .action(let action, let outcome):
            if case .set(_, let state) = action, outcome == .done { return .userSet(state) }
            return .other(Box(fact))
        default: return .other(Box(fact))
        }
    }

    /// A line of free text (`SimFact.note`).
    public init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType? = nil, line: String) {
        self.init(timeMs: timeMs, tab: tab, kind: kind, messageType: messageType, fact: .note(line))
    }

    /// An engine event of the tab `tabId`, formatted when read.
    init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType?, event: SyncEvent, tabId: String)
    {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = kind
        self.messageType = messageType
        self.source = Self.source(event, tabId)
    }

    private static func source(_ event: SyncEvent, _ tabId: String) -> Source {
        switch event {
        case .received(let m): .received(tabId: tabId, type: m.type, sender: m.tabId)
        case .applied(let from, let keys): .applied(tabId: tabId, from: from, keys: keys)
        default: .engine(EngineLine(event, tabId))
        }
    }

    /// What the entry reports, as values: what views read.
    public var fact: SimFact {
        switch source {
        case .received(let tabId, let type, let sender): .received(type, from: sender, tabId: tabId)
        case .applied(let tabId, let from, let keys): .applied(from: from, keys: keys, tabId: tabId)
        case .engine(let e): .engine(e.event, tabId: e.tabId)
        case .userSet(let state): .action(.set(tab: tab, state: state))
        case .other(let box): box.fact
        }
    }

    /// The id of the tab instance this entry opened, or nil (cheaper than `fact` for the views
    /// that name tab ids by letter).
    public var openedTabId: String? {
        if case .other(let box) = source, case .opened(let id) = box.fact { id } else { nil }
    }

    /// The line as the spec's debug log prints it, e.g. `[BroadcastSync:abc123] Sent: TAB_PING {}`,
    /// or the simulator's own (`[Simulator] Killed A`, `[Network] Lost ...`, `[User] set ...`).
    /// Formatted from the fact each time it is read: only what is shown or written is formatted.
    public var line: String {
        switch source {
        case .received(let tabId, let type, let sender):
            // The engine's received line names only the type and the sender (a test holds it to that).
            SyncEvent.received(SyncMessage(type: type, tabId: sender, timestamp: 0)).debugLine(tabId: tabId)
        case .applied(let tabId, let from, let keys): SyncEvent.applied(from: from, keys: keys).debugLine(tabId: tabId)
        case .engine(let e): e.event.debugLine(tabId: e.tabId)
        case .userSet(let partial): "[User] set " + partial.jsonText
        case .other(let box): Self.line(box.fact, tab: tab)
        }
    }

    /// The line of a boxed fact.
    private static func line(_ fact: SimFact, tab: String) -> String {
        switch fact {
        case .engine(let event, let tabId): return event.debugLine(tabId: tabId)
        case .received(let type, let from, let tabId):
            return SyncEvent.received(SyncMessage(type: type, tabId: from, timestamp: 0)).debugLine(tabId: tabId)
        case .applied(let from, let keys, let tabId):
            return SyncEvent.applied(from: from, keys: keys).debugLine(tabId: tabId)
        case .opened(let tabId): return "[Simulator] Opened \(tab) as \(tabId)"
        case .action(let action, let outcome): return actionLine(action, outcome)
        case .route(let r): return "[Network] \(r.outcome.rawValue) " + r.text
        case .verdict(let result): return "[Check] " + result.text
        case .narration(let text): return "[Lesson] " + text
        case .prompt(let p, let waits):
            return "[Prompt] \(p.actionText): \(p.text)"
                + (waits ? " (waiting for the learner)" : " (headless: the lesson does it)")
        case .note(let text): return text
        }
    }

    /// The line of an action carried out: `[User] ...` for what a page's user does, `[Simulator] ...`
    /// for what the simulator does to the world.
    private static func actionLine(_ action: Scenario.Action, _ outcome: SimFact.ActionOutcome) -> String {
        let world: String
        switch action {
        case .set(_, let partial): return "[User] set " + partial.jsonText
        case .forceLeader: return "[User] forceLeader"
        case .timeOut: return "[User] timeOut: leader timeout fired now"
        case .requestState: return "[User] requestState"
        case .broadcastState(_, let keys):
            return "[User] broadcastState" + (keys.map { " [" + $0.joined(separator: ", ") + "]" } ?? "")
        case .say(let text): return "[Lesson] " + text
        case .prompt(let p): return "[Prompt] \(p.actionText): \(p.text)"
        case .open(let name, _), .reopen(let name): world = "Opened \(name)"
        case .close(let name): world = "Closed \(name)"
        case .kill(let name): world = "Killed \(name)"
        case .freeze(let name): world = "Froze \(name)"
        case .thaw(let name):
            guard case .thawed(let queued, let dropped) = outcome else {
                world = "Thawed \(name)"
                break
            }
            world = "Thawed \(name) (\(queued) queued" + (dropped > 0 ? ", \(dropped) older messages dropped)" : ")")
        case .background(let name, let throttleMs):
            world = throttleMs > 0 ? "\(name) in background (timers every \(throttleMs) ms)" : "\(name) in foreground"
        case .clockSkew(let name, let ms): world = "\(name) clock skew \(ms) ms"
        case .conflictStrategy(let strategy, _): world = "Conflict strategy: \(strategy.rawValue)"
        case .workload(let w):
            world =
                "Workload: \(w.editsPerSecondPerTab) edits/s per tab on " + w.keys.joined(separator: ", ")
                + (w.untilMs.map { " until \(formatTime($0).trimmingLeadingSpaces)" } ?? "")
        case .stopWorkload: world = "Workload stopped"
        case .partition(let groups):
            world = "Partition " + groups.map { "[" + $0.joined(separator: ", ") + "]" }.joined(separator: " | ")
        case .isolate(let name): world = "Cut off \(name)"
        case .rejoin(let name): world = "Healed \(name)"
        case .cut(let link): world = "Cut link \(link)"
        case .restore(let link): world = "Restored link \(link)"
        case .heal, .healAll:
            let cutLinks = if case .healed(true) = outcome { true } else { false }
            world = "Healed all partitions" + (cutLinks ? " and cut links" : "")
        case .network(let n): world = "Network " + n.summary
        case .inject(let tab, let raw):
            let shown = raw.count > 200 ? String(raw.prefix(200)) + "..." : raw
            world = "Injected frame to \(tab ?? "every tab"): \(shown)"
        }
        return "[Simulator] " + world
    }

    /// The engine event behind the line (a role change, an ignored or dropped message...), for views
    /// that draw it; nil for simulator lines, receipts, applies and user edits, which carry their own fields.
    public var engineEvent: SyncEvent? {
        if case .engine(let e) = source { e.event } else { nil }
    }

    /// The log line with its virtual timestamp and tab name: `    1.250s A  [BroadcastSync:...] ...`.
    /// The name is padded as a terminal shows it (escaped); the rest is escaped where it is written.
    public var text: String {
        let name = TerminalText.escaped(tab)
        return formatTime(timeMs) + " " + name + String(repeating: " ", count: max(1, 3 - name.count)) + line
    }

    /// The event as one line of JSON: `{"kind":..., "line":..., "tab":..., "time":..., "type":...}`.
    public var jsonLine: String {
        var o: [String: JSONValue] = [
            "time": .number(Double(timeMs)), "tab": .string(tab), "kind": .string(kind.rawValue), "line": .string(line),
        ]
        if let messageType { o["type"] = .string(messageType.rawValue) }
        return JSONValue.object(o).description
    }

    public static func == (a: SimEvent, b: SimEvent) -> Bool {
        a.timeMs == b.timeMs && a.tab == b.tab && a.kind == b.kind && a.messageType == b.messageType && a.fact == b.fact
    }
}
