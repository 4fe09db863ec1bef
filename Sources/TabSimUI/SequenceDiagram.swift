import TabSimulator
import TabSync

/// The simulation as a sequence diagram: one column per tab headed by its pane letter, time flowing
/// down, each message an arrow from its sender to its receivers. The whiteboard drawing of every
/// election lesson (and Maelstrom's timeline), as plain text lines of a given width.
///
/// Pure: the same events, flights and options give the same lines. Legend:
///
///     ●──HB e2──▶   sent (●) and delivered (▶ ◀)     ╌╌▷  still in flight (▷ ◁)
///     ×  lost, or its receiver went away            ⊘  blocked by a partition
///     ★ leader e2   ◆ candidate   ○ follows A e2    (role changes, with the epoch)
///     ┬ opened   ┴ closed   ✖ killed   ◌ frozen   ◎ thawed   ✎ user edit   ! ignored
///     │ running   ┆ frozen   (no line: not open, closed or killed)
///     ══ partition A | B,C ══   a change of the network, across every column
///
/// Message types are shortened (HB heartbeat, ELECT, ANNOUNCE, UPDATE, REQUEST, RESPONSE, PING,
/// PONG, CLOSE); election messages carry their epoch (`e2`). Columns narrower than 14 characters
/// (more than 4 tabs in 80 columns) use 3-4 letter labels and mark roles by symbol and epoch only.
public struct SequenceDiagram {
    /// A tab drawn as a column, headed by its pane letter.
    public struct Column: Sendable, Equatable {
        public let tab: String
        public let letter: String
        public init(tab: String, letter: String) {
            self.tab = tab
            self.letter = letter
        }
    }

    public var columns: [Column]
    /// Characters per line; each line is at most this wide.
    public var width: Int
    /// Leaves out TAB_PING and TAB_PONG, which flood the diagram with many tabs.
    public var hidesPings: Bool
    /// The log's filter: an event is drawn when it passes; a message when its sent event passes or
    /// the receipt of one of its receivers would.
    public var filter: (SimEvent) -> Bool

    public init(
        columns: [Column], width: Int, hidesPings: Bool = false,
        filter: @escaping (SimEvent) -> Bool = { _ in true }
    ) {
        self.columns = columns
        self.width = width
        self.hidesPings = hidesPings
        self.filter = filter
    }

    /// Columns for tabs already named by letter (`A`, `B`...), in the given order.
    public static func columns(tabs: [String]) -> [Column] {
        tabs.map { Column(tab: $0, letter: $0) }
    }

    /// The short label of a message type; `compact` for narrow columns (many tabs).
    public static func shortName(_ type: SyncMessageType, compact: Bool = false) -> String {
        if compact {
            return switch type {
            case .heartbeat: "HB"
            case .leaderElection: "ELEC"
            case .leaderAnnounce: "ANN"
            case .stateUpdate: "UPD"
            case .stateRequest: "REQ"
            case .stateResponse: "RESP"
            case .tabPing: "PING"
            case .tabPong: "PONG"
            case .tabClose: "CLOS"
            case .stateRepair: "RPR"
            }
        }
        return switch type {
        case .heartbeat: "HB"
        case .leaderElection: "ELECT"
        case .leaderAnnounce: "ANNOUNCE"
        case .stateUpdate: "UPDATE"
        case .stateRequest: "REQUEST"
        case .stateResponse: "RESPONSE"
        case .tabPing: "PING"
        case .tabPong: "PONG"
        case .tabClose: "CLOSE"
        case .stateRepair: "REPAIR"
        }
    }

    /// Whether a message type is about the election, so its label carries the epoch.
    static func carriesEpoch(_ type: SyncMessageType) -> Bool {
        type == .heartbeat || type == .leaderElection || type == .leaderAnnounce || type == .tabClose
    }

    // MARK: - Geometry

    private static let gutter = 10
    private var columnWidth: Int { max(3, (width - Self.gutter) / max(1, columns.count)) }
    /// Narrow columns (8 tabs in 80 columns): shorter labels, role marks as symbol and epoch only.
    private var isCompact: Bool { columnWidth < 14 }
    /// The x of column `i`'s lifeline.
    private func x(_ i: Int) -> Int { Self.gutter + i * columnWidth + columnWidth / 2 }

    private enum Life { case absent, alive, frozen }

    // MARK: - Drawing

    /// The header line (the letters over their lifelines) and one line per drawn event, oldest first;
    /// with `lastRows`, only the last rows are drawn (what fits a pane), the rest only followed.
    public func lines(events: some Sequence<SimEvent>, flights: [MessageFlight], lastRows: Int? = nil) -> [String] {
        var canvas = Canvas(diagram: self)
        var matcher = FlightMatcher(flights)
        let index = Dictionary(columns.enumerated().map { ($1.tab, $0) }, uniquingKeysWith: { a, _ in a })

        for event in events {
            switch event.kind {
            case .sent:
                let flight = matcher.flight(for: event)
                guard let type = event.messageType, let col = index[event.tab] else { continue }
                if hidesPings, type == .tabPing || type == .tabPong { continue }
                let received = flight?.deliveries.contains { passesReceipt($0.receiver, type, event.timeMs) } ?? false
                guard filter(event) || received else { continue }
                canvas.add(event.timeMs, .arrow(col, label(type, epoch: flight?.epoch), receivers(flight, index)))
            case .role:
                guard filter(event), let col = index[event.tab], case .roleChanged(let c)? = event.engineEvent
                else { continue }
                switch c.to {
                case .leader: canvas.add(event.timeMs, .mark(col, "★", (isCompact ? "" : "leader ") + "e\(c.epoch)"))
                case .candidate: canvas.add(event.timeMs, .mark(col, "◆", isCompact ? "" : "candidate"))
                case .follower:
                    let leader = c.leaderId.flatMap { canvas.letter(ofId: $0) }
                    let text =
                        leader.map { (isCompact ? "" : "follows ") + "\($0) e\(c.epoch)" }
                        ?? (isCompact ? "" : "follower")
                    canvas.add(event.timeMs, .mark(col, "○", text))
                case .none: continue
                }
            case .ignored:
                guard filter(event), let col = index[event.tab], case .ignored(let m, _)? = event.engineEvent
                else { continue }
                if hidesPings, m.type == .tabPing || m.type == .tabPong { continue }
                canvas.add(event.timeMs, .mark(col, "!", "ignored " + label(m.type, epoch: m.payload?.epoch)))
            case .action:
                guard filter(event), let col = index[event.tab], case .action(.set(_, let state), _) = event.fact
                else { continue }
                canvas.add(event.timeMs, .mark(col, "✎", "set " + state.jsonText))
            case .lifecycle:
                guard let id = event.openedTabId, let col = index[event.tab] else { continue }
                canvas.letters.add(id: id, letter: columns[col].letter)
                canvas.life[col] = .alive
                if filter(event) { canvas.add(event.timeMs, .mark(col, "┬", "opened")) }
            case .fault:
                guard filter(event), case .action(let action, let outcome) = event.fact else { continue }
                if let col = index[event.tab] {
                    switch action {
                    case .kill:
                        canvas.add(event.timeMs, .mark(col, "✖", "killed"))
                        canvas.life[col] = .absent
                    case .close:
                        canvas.add(event.timeMs, .mark(col, "┴", "closed"))
                        canvas.life[col] = .absent
                    case .freeze:
                        canvas.add(event.timeMs, .mark(col, "◌", "frozen"))
                        canvas.life[col] = .frozen
                    case .thaw:
                        canvas.life[col] = .alive
                        canvas.add(event.timeMs, .mark(col, "◎", "thawed"))
                    default: continue
                    }
                } else if let note = networkNote(action, outcome) {
                    canvas.add(event.timeMs, .note(note))
                }
            case .received, .applied, .dropped, .network, .verdict:
                continue
            }
        }
        return [canvas.header()] + canvas.rows.suffix(lastRows ?? canvas.rows.count).map(canvas.render)
    }

    /// Whether the receipt of a message by `receiver` would pass the filter (a tab's own view).
    private func passesReceipt(_ receiver: String, _ type: SyncMessageType, _ time: Milliseconds) -> Bool {
        filter(SimEvent(timeMs: time, tab: receiver, kind: .received, messageType: type, line: ""))
    }

    private func label(_ type: SyncMessageType, epoch: Int?) -> String {
        Self.shortName(type, compact: isCompact) + (Self.carriesEpoch(type) ? epoch.map { " e\($0)" } ?? "" : "")
    }

    /// Each drawn receiver once, with the best outcome of its copies (delivered, then in flight).
    private func receivers(_ flight: MessageFlight?, _ index: [String: Int]) -> [(Int, MessageFlight.Outcome)] {
        guard let flight else { return [] }
        var best: [Int: MessageFlight.Outcome] = [:]
        func rank(_ o: MessageFlight.Outcome) -> Int {
            switch o {
            case .delivered: 4
            case .inFlight: 3
            case .blocked: 2
            case .lost: 1
            case .undelivered: 0
            }
        }
        for d in flight.deliveries {
            guard let col = index[d.receiver] else { continue }
            if best[col].map({ rank($0) < rank(d.outcome) }) ?? true { best[col] = d.outcome }
        }
        return best.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The note across every column for a change of the network (a partition, a tab cut off or
    /// healed, new conditions), tabs named by their letters; nil for other actions.
    private func networkNote(_ action: Scenario.Action, _ outcome: SimFact.ActionOutcome) -> String? {
        let letters = Dictionary(columns.map { ($0.tab, $0.letter) }, uniquingKeysWith: { a, _ in a })
        func letter(_ tab: String) -> String { letters[tab] ?? tab }
        switch action {
        case .partition(let groups):
            return "partition "
                + groups.map { "[" + $0.map(letter).joined(separator: ", ") + "]" }.joined(separator: " | ")
        case .isolate(let tab): return "cut off " + letter(tab)
        case .rejoin(let tab): return "healed " + letter(tab)
        case .heal, .healAll:
            let cutLinks = if case .healed(true) = outcome { true } else { false }
            return "healed all partitions" + (cutLinks ? " and cut links" : "")
        case .network(let conditions): return "network " + conditions.summary
        default: return nil
        }
    }

    /// Rows being drawn, with what each column's lifeline looks like now.
    private struct Canvas {
        let diagram: SequenceDiagram
        var life: [Life]
        /// Rows as what to draw, with the lifelines as they were: drawn only when asked for.
        var rows: [Row] = []
        var lastTime: Milliseconds?

        enum Op {
            case mark(Int, Character, String)
            case note(String)
            case arrow(Int, String, [(Int, MessageFlight.Outcome)])
        }

        struct Row {
            let time: Milliseconds
            let showsTime: Bool
            let life: [Life]
            let op: Op
        }

        mutating func add(_ time: Milliseconds, _ op: Op) {
            rows.append(Row(time: time, showsTime: time != lastTime, life: life, op: op))
            lastTime = time
        }

        func render(_ row: Row) -> String {
            switch row.op {
            // Placed by its length as shown: escaped here, not only when the screen is written.
            case .mark(let col, let symbol, let text): mark(row, col, symbol, TerminalText.escaped(text))
            case .note(let text): note(row, TerminalText.escaped(text))
            case .arrow(let sender, let label, let receivers): arrow(row, from: sender, label: label, to: receivers)
            }
        }
        /// Tab ids to letters, learnt from the tabs opened so far.
        var letters = TabLetters()

        init(diagram: SequenceDiagram) {
            self.diagram = diagram
            life = Array(repeating: .absent, count: diagram.columns.count)
        }

        func letter(ofId id: String) -> String? { letters.letter(ofId: id) }

        func header() -> String {
            var cells = Array(repeating: Character(" "), count: diagram.width)
            for (i, c) in diagram.columns.enumerated() {
                let letter = TerminalText.escaped(c.letter)  // centred as shown
                let start = diagram.x(i) - (letter.count - 1) / 2
                put(letter, at: start, in: &cells, limit: diagram.width)
            }
            return trimmed(cells)
        }

        /// A line with the time (when it changed) and every lifeline.
        func blank(_ row: Row) -> [Character] {
            var cells = Array(repeating: Character(" "), count: diagram.width)
            if row.showsTime { put(formatTime(row.time), at: 0, in: &cells, limit: SequenceDiagram.gutter - 1) }
            for i in diagram.columns.indices {
                switch row.life[i] {
                case .alive: put("│", at: diagram.x(i), in: &cells, limit: diagram.width)
                case .frozen: put("┆", at: diagram.x(i), in: &cells, limit: diagram.width)
                case .absent: break
                }
            }
            return cells
        }

        func mark(_ row: Row, _ col: Int, _ symbol: Character, _ text: String) -> String {
            var cells = blank(row)
            let x = diagram.x(col)
            put(String(symbol), at: x, in: &cells, limit: diagram.width)
            // Beside the symbol, up to the next lifeline; on the left when it fits only there.
            let end = col + 1 < diagram.columns.count ? diagram.x(col + 1) - 1 : diagram.width
            let begin = col > 0 ? diagram.x(col - 1) + 2 : SequenceDiagram.gutter
            if end - (x + 2) < text.count, x - 1 - begin > end - (x + 2) {
                let start = max(begin, x - 1 - text.count)
                put(text, at: start, in: &cells, limit: x - 1)
            } else {
                put(text, at: x + 2, in: &cells, limit: end)
            }
            return trimmed(cells)
        }

        func note(_ row: Row, _ text: String) -> String {
            var cells = blank(row)
            let start = SequenceDiagram.gutter
            for i in start..<diagram.width { cells[i] = "═" }
            put(" " + text + " ", at: start + 2, in: &cells, limit: diagram.width)
            return trimmed(cells)
        }

        func arrow(_ row: Row, from sender: Int, label: String, to receivers: [(Int, MessageFlight.Outcome)]) -> String
        {
            var cells = blank(row)
            let xs = diagram.x(sender)
            let targets = receivers.filter { $0.0 != sender }
            let pending = targets.contains { $0.1 == .inFlight }
            let line: Character = pending ? "╌" : "─"
            let lo = min(xs, targets.map { diagram.x($0.0) }.min() ?? xs)
            let hi = max(xs, targets.map { diagram.x($0.0) }.max() ?? xs)
            for i in lo...hi where i < diagram.width { cells[i] = line }
            var heads: [Int] = []
            for (col, outcome) in targets {
                let xr = diagram.x(col)
                guard xr < diagram.width else { continue }
                heads.append(xr)
                switch outcome {
                case .delivered: cells[xr] = xr > xs ? "▶" : "◀"
                case .inFlight: cells[xr] = xr > xs ? "▷" : "◁"
                case .blocked: cells[xr] = "⊘"
                case .lost, .undelivered: cells[xr] = "×"
                }
            }
            if xs < diagram.width { cells[xs] = "●" }
            // The label sits on the arrow beside the sender (right side first), up to the next head;
            // when the arrow is too short, just past its end.
            // When it fits nowhere whole, it is cut beside the sender.
            let text = " " + label + " "
            let right = heads.filter { $0 > xs }.min()
            let left = heads.filter { $0 < xs }.max()
            if let stop = right, stop - xs - 1 >= text.count {
                put(text, at: xs + 1, in: &cells, limit: stop)
            } else if let stop = left, xs - stop - 1 >= text.count {
                put(text, at: xs - text.count, in: &cells, limit: xs)
            } else if hi + text.count < diagram.width {
                put(text, at: hi + 1, in: &cells, limit: diagram.width)
            } else if let stop = right {
                put(text, at: xs + 1, in: &cells, limit: stop)
            } else if let stop = left {
                put(text, at: max(stop + 1, xs - text.count), in: &cells, limit: xs)
            }
            return trimmed(cells)
        }

        func put(_ text: String, at start: Int, in cells: inout [Character], limit: Int) {
            var i = start
            for ch in text {
                guard i < min(limit, cells.count) else { return }
                if i >= 0 { cells[i] = ch }
                i += 1
            }
        }

        func trimmed(_ cells: [Character]) -> String {
            var s = String(cells)
            while s.last == " " { s.removeLast() }
            return s
        }
    }
}
