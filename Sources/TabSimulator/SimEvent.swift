import TabSync

/// One line of the simulation's log: something a tab did, or something done to it.
public struct SimEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case sent, received, applied, ignored, dropped, role, lifecycle, fault, network, action, verdict
    }

    /// Virtual time of the simulation (not the tab's possibly skewed clock).
    public let timeMs: Milliseconds
    /// The tab's name in the simulation (`A`, `B`...), or `sim` for the simulator itself.
    public let tab: String
    public let kind: Kind
    /// The message type, for message events.
    public let messageType: SyncMessageType?
    /// The line as the spec's debug log prints it, e.g. `[BroadcastSync:abc123] Sent: TAB_PING {}`.
    public let line: String

    public init(timeMs: Milliseconds, tab: String, kind: Kind, messageType: SyncMessageType? = nil, line: String) {
        self.timeMs = timeMs
        self.tab = tab
        self.kind = kind
        self.messageType = messageType
        self.line = line
    }

    /// The log line with its virtual timestamp and tab name: `    1.250s A  [BroadcastSync:...] ...`.
    public var text: String {
        formatTime(timeMs) + " " + tab + String(repeating: " ", count: max(1, 3 - tab.count)) + line
    }

    /// The event as one line of JSON.
    public var jsonLine: String {
        var o: [String: JSONValue] = [
            "time": .number(Double(timeMs)), "tab": .string(tab), "kind": .string(kind.rawValue), "line": .string(line),
        ]
        if let messageType { o["type"] = .string(messageType.rawValue) }
        return JSONValue.object(o).description
    }
}
