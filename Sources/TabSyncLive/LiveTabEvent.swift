import TabSync

extension LiveTab {
    /// One thing a live tab reports: its kind, and its facts as JSON values. `tabsim tab --headless`
    /// prints each as one JSON line (`jsonLine`); its pane picks the kinds its debug lines do not
    /// show by `kind`, never by reading a formatted line.
    public struct Event: Equatable, Sendable {
        /// What happened; the raw value is the `event` field of the JSON line.
        public enum Kind: String, CaseIterable, Sendable {
            case started, stopped, role, applied, dropped, ignored, sent, received, resolved, state, quit, error
            case configurationDiffers
            /// The transport's own events: over Unix sockets...
            case socket, lost, unresponsive, responsive
            case staleSocketRemoved = "stale-socket-removed"
            /// ... and over PostgreSQL.
            case connected, disconnected, reconnecting, rejoined
        }

        /// What happened.
        public var kind: Kind
        /// Its facts, and `time`: the wall-clock milliseconds when it was reported.
        public var fields: [String: JSONValue]

        /// An event of `kind` with `fields` (the tab adds `time`).
        public init(_ kind: Kind, _ fields: [String: JSONValue]) {
            self.kind = kind
            self.fields = fields
        }

        /// The event as one JSON object on one line, `event` first, then the other fields in sorted order.
        public var jsonLine: String { Self.jsonLine(kind.rawValue, fields) }

        /// Any event as `jsonLine` formats it, for the lines a live program prints beside its tab's.
        public static func jsonLine(_ event: String, _ fields: [String: JSONValue]) -> String {
            var rest = JSONValue.object(fields).description
            rest.removeFirst()
            return "{\"event\":" + JSONValue.string(event).description + (rest == "}" ? "" : ",") + rest
        }
    }
}
