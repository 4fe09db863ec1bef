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
    init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType?, event: SyncEvent, tabId: String) {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = kind
        self.messageType = messageType
        self.source = .engine(EngineLine(event, tabId))
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
        case .engine(let e): e.event.debugLine(tabId: e.tabId)
        case .userSet(let partial): "[User] set " + partial.jsonText
        }
    }

    /// The log line with its virtual timestamp and tab name: `    1.250s A  [BroadcastSync:...] ...`.
    public var text: String {
        formatTime(timeMs) + " " + tab + String(repeating: " ", count: max(1, 3 - tab.count)) + line
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
