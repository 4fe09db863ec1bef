import TabSimulator
import TabSync

/// The log as a learner reads it: tabs named by their pane letter instead of an id suffix, a sent
/// message with its receivers (`A → B,C  HEARTBEAT {...}`), a receipt with its sender
/// (`B ← A  HEARTBEAT`), and pings left out on demand (with 8 tabs they flood the log).
///
/// Pure: the same events and flights give the same lines.
public struct PaneLog {
    /// Tab name to pane letter; tabs missing here keep their name.
    public var letters: [String: String]
    /// Leaves out TAB_PING and TAB_PONG, sent and received.
    public var hidesPings: Bool

    public init(letters: [String: String], hidesPings: Bool = false) {
        self.letters = letters
        self.hidesPings = hidesPings
    }

    /// Letters equal to the tab names (`A`, `B`...).
    public init(tabs: [String], hidesPings: Bool = false) {
        self.init(letters: Dictionary(tabs.map { ($0, $0) }, uniquingKeysWith: { a, _ in a }), hidesPings: hidesPings)
    }

    /// One line per shown event, oldest first. `flights` (from a simulation that tracks them) name
    /// the receivers of each sent message; without them a send reads `A → *`.
    public func lines(events: some Sequence<SimEvent>, flights: [MessageFlight] = []) -> [String] {
        var matcher = FlightMatcher(flights)
        var letters = TabLetters()
        var out: [String] = []
        for event in events {
            let flight = matcher.flight(for: event)
            letters.learn(event, letter: letter)
            if let line = line(event, flight: flight, letters: letters) { out.append(line) }
        }
        return out
    }

    /// The line of one event, or nil when it is hidden; `letters` names tab ids. Formatted from the
    /// event's fact: a send with its receivers, a receipt with its sender, the rest as the log words
    /// it without the engine's `[BroadcastSync:id]` prefix, ids named by letter.
    public func line(_ event: SimEvent, flight: MessageFlight?, letters: TabLetters) -> String? {
        if hidesPings, event.messageType == .tabPing || event.messageType == .tabPong { return nil }
        let who = TerminalText.escaped(letter(event.tab))  // padded as shown
        let head = formatTime(event.timeMs) + " " + who + String(repeating: " ", count: max(1, 3 - who.count))
        let text: String
        switch event.fact {
        case .engine(.sent(let m), _):
            let receivers =
                flight.map { f in
                    var seen: [String] = []
                    for d in f.deliveries where !seen.contains(letter(d.receiver)) { seen.append(letter(d.receiver)) }
                    return seen.isEmpty ? "nobody" : seen.joined(separator: ",")
                } ?? "*"
            text =
                "→ " + receivers + "  " + m.type.rawValue + " " + letters.replacingIds(in: m.payload?.jsonText ?? "{}")
        case .received(let type, let from, _):
            text = "← " + letters.name(ofId: from) + "  " + type.rawValue
        case .engine(let e, _):
            text = letters.replacingIds(in: e.debugText)
        case .applied(let from, let keys, _):
            text = letters.replacingIds(in: SyncEvent.applied(from: from, keys: keys).debugText)
        default:
            text = letters.replacingIds(in: event.line)
        }
        return head + text
    }

    private func letter(_ tab: String) -> String { letters[tab] ?? tab }
}
