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
        var ids: [String: String] = [:]
        var out: [String] = []
        for event in events {
            let flight = matcher.flight(for: event)
            if event.kind == .lifecycle, event.line.hasPrefix("[Simulator] Opened "),
                let id = event.line.split(separator: " ").last
            {
                ids[String(id)] = letter(event.tab)
                ids[shortTabId(String(id))] = letter(event.tab)
            }
            if let line = line(event, flight: flight, ids: ids) { out.append(line) }
        }
        return out
    }

    /// The line of one event, or nil when it is hidden. `ids` maps tab ids (full and short) to letters.
    public func line(_ event: SimEvent, flight: MessageFlight?, ids: [String: String]) -> String? {
        if hidesPings, event.messageType == .tabPing || event.messageType == .tabPong { return nil }
        let who = TerminalText.escaped(letter(event.tab))  // padded as shown
        let head = formatTime(event.timeMs) + " " + who + String(repeating: " ", count: max(1, 3 - who.count))
        var text = event.line
        if text.hasPrefix("[BroadcastSync:"), let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: close)...].drop { $0 == " " })
        }
        switch event.kind {
        case .sent:
            let receivers =
                flight.map { f in
                    var seen: [String] = []
                    for d in f.deliveries where !seen.contains(letter(d.receiver)) { seen.append(letter(d.receiver)) }
                    return seen.isEmpty ? "nobody" : seen.joined(separator: ",")
                } ?? "*"
            text = "→ " + receivers + "  " + (text.hasPrefix("Sent: ") ? String(text.dropFirst(6)) : text)
        case .received:
            // `Received: TYPE from abc123`
            let words = text.split(separator: " ")
            if words.count == 4, words[0] == "Received:" {
                text = "← " + (ids[String(words[3])] ?? String(words[3])) + "  " + words[1]
            }
        default:
            break
        }
        return head + replacingIds(text, ids)
    }

    private func letter(_ tab: String) -> String { letters[tab] ?? tab }

    /// Every tab id in `text` (full, inside JSON, or its 6-character suffix) replaced by its letter.
    private func replacingIds(_ text: String, _ ids: [String: String]) -> String {
        guard !ids.isEmpty else { return text }
        var out = ""
        var word = ""
        func flush() {
            out += ids[word] ?? word
            word = ""
        }
        for ch in text {
            if ch.isLetter || ch.isNumber || ch == "-" {
                word.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }
}
