import TabSync

/// One line of the simulation's log: something a tab did, or something done to it.
///
/// The debug line of an engine event is formatted only when someone reads `line`: formatting every
/// message's payload as JSON cost a third of a busy simulation's time, and most lines are never
/// read (fuzzing, a scrolled-away UI, `tabsim run --quiet`).
public struct SimEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case sent, received, applied, ignored, dropped, role, lifecycle, fault, network, action, verdict
    }

    private enum Source: Sendable {
        case text(String)
        /// `Received: TYPE from sender` of the tab `tabId`. The most common line, so it keeps what
        /// the line shows rather than the message (no box, no payload retained).
        case received(tabId: String, type: SyncMessageType, sender: String)
        /// `Applied remote state from ... [keys]` of the tab `tabId`: the event's own fields, unboxed.
        case applied(tabId: String, from: String, keys: [String])
        case engine(EngineLine)
        /// `[User] set {...}`, the state formatted when read.
        case userSet(StateDocument)
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

    /// Virtual time of the simulation (not the tab's possibly skewed clock).
    public let timeMs: Milliseconds
    /// The tab's name in the simulation (`A`, `B`...), or `sim` for the simulator itself.
    public let tab: String
    public let kind: Kind
    /// The message type, for message events.
    public let messageType: SyncMessageType?
    private let source: Source

    public init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType? = nil, line: String) {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = kind
        self.messageType = messageType
        self.source = .text(line)
    }

    /// An engine event of the tab `tabId`, formatted when read.
    init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType?, event: SyncEvent, tabId: String)
    {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = kind
        self.messageType = messageType
        switch event {
        case .received(let m): self.source = .received(tabId: tabId, type: m.type, sender: m.tabId)
        case .applied(let from, let keys): self.source = .applied(tabId: tabId, from: from, keys: keys)
        default: self.source = .engine(EngineLine(event, tabId))
        }
    }

    /// A user's edit of a tab's store, formatted when read.
    init(timeMs: Milliseconds, tab: String, userSet partial: StateDocument) {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = .action
        self.messageType = nil
        self.source = .userSet(partial)
    }

    /// The line as the spec's debug log prints it, e.g. `[BroadcastSync:abc123] Sent: TAB_PING {}`,
    /// or the simulator's own (`[Simulator] Killed A`, `[Network] Lost ...`, `[User] set ...`).
    public var line: String {
        switch source {
        case .text(let line): line
        case .received(let tabId, let type, let sender):
            // The engine's received line names only the type and the sender (a test holds it to that).
            SyncEvent.received(SyncMessage(type: type, tabId: sender, timestamp: 0)).debugLine(tabId: tabId)
        case .applied(let tabId, let from, let keys): SyncEvent.applied(from: from, keys: keys).debugLine(tabId: tabId)
        case .engine(let e): e.event.debugLine(tabId: e.tabId)
        case .userSet(let partial): "[User] set " + partial.jsonText
        }
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
        a.timeMs == b.timeMs && a.tab == b.tab && a.kind == b.kind && a.messageType == b.messageType && a.line == b.line
    }
}
