import TabSimulator
import TabSync

/// Builds the `Frame` for the UI state and the session: reads, never changes either.
public enum Presenter {
    public static func frame(_ state: UIState, _ session: UISession) -> Frame {
        let sim = session.simulation
        let help =
            state.showHelp ? HelpOverlay(width: state.width, height: state.height, scroll: state.helpScroll) : nil
        let layout = Layout(
            width: state.width, height: state.height, tabCount: sim.tabs.count, selected: state.selected)
        if layout.tooSmall {
            return Frame(width: state.width, height: state.height, content: .tooSmall(tooSmallLines(state)), help: help)
        }
        let convergence = sim.convergence()
        let shown = sim.tabs[layout.firstTab..<(layout.firstTab + layout.panes.count)]
        let flying = sim.messagesInFlight
        let letters = TabLetters(sim)
        let panes = zip(shown.indices, shown).map { i, t in
            var p = pane(t, selected: i == state.selected, session, convergence, letters)
            p.marked = state.marked.contains(t.name)
            p.external = t.isExternal
            if state.showVersions { p.cells = p.cells.map { versioned($0, t, letters) } }
            p.incoming = flying.reduce(0) { n, f in
                n + f.deliveries.count { $0.receiver == t.name && $0.outcome == .inFlight }
            }
            p.outgoing = flying.count { $0.sender == t.name }
            return p
        }
        var logTitle =
            (state.showDiagram ? " Sequence diagram" : " Traffic log") + "  filter: \(state.logFilter.label)"
            + (state.hidePings ? "  pings hidden" : "") + "  \(count(sim.log.totalCount, "event"))"
        if state.logScroll > 0, !state.showDiagram { logTitle += "  [scrolled back: End follows new lines]" }
        if layout.isPaged {
            logTitle +=
                "  [tabs \(layout.firstTab + 1)-\(layout.firstTab + layout.panes.count) of \(sim.tabs.count): "
                + "Tab shows the others]"
        }
        let banner =
            NarrationPanel(state, session, width: layout.log.width, rows: NarrationPanel.rows(layout))?.lines ?? []
        var shownLayout = layout
        shownLayout.log.height -= banner.count
        let lines =
            state.showDiagram
            ? diagramLines(state, sim, shownLayout) : logLines(state, sim, rows: shownLayout.logRows, letters: letters)
        let progress = sim.progress()
        let isDiverged = if case .diverged = progress { true } else { false }
        var main = Frame.Main(
            layout: layout, panes: panes, logTitle: logTitle, logLines: lines,
            status: status(state, session, progress), diverged: isDiverged,
            hints: KeyBinding.hintBar(width: state.width, paused: state.paused), banner: banner,
            bannerWaits: LessonWait.text(session) != nil)
        main.timeline = Timeline(state, session).line
        return Frame(width: state.width, height: state.height, content: .main(main), help: help)
    }

    static func tooSmallLines(_ state: UIState) -> [String] {
        let text =
            "Terminal too small: \(state.width)x\(state.height). The UI needs at least "
            + "\(Layout.minWidth)x\(Layout.minHeight(timeline: true)) (more tabs page with Tab). "
            + "Enlarge the window, or press q to quit."
        return HelpOverlay.wrap(text, width: max(1, state.width - 2))
    }

    static func pane(
        _ t: SimTab, selected: Bool, _ session: UISession, _ convergence: Convergence, _ letters: TabLetters
    ) -> PaneModel {
        var tab = TabSnapshot(t, partitioned: session.simulation.isPartitioned(t.name))
        tab.leaderName = t.leaderId.map { letters.name(ofId: $0) }
        let running = t.liveness == .alive
        let cells = session.shownKeys.map { key in
            PaneModel.Cell(
                key: key, value: t.state[key],
                mark: running && convergence.differences[key] != nil ? .diverged : .same)
        }
        return PaneModel(
            tab, cells: cells, localOnly: session.localKey.map { PaneModel.Cell(key: $0, value: t.state[$0]) },
            selected: selected)
    }

    /// The cell with the version its tab holds and the writer's pane letter: `v3 B` (`v0` for a default).
    static func versioned(_ cell: PaneModel.Cell, _ t: SimTab, _ letters: TabLetters) -> PaneModel.Cell {
        guard let v = t.sync.keyVersions[cell.key] else { return cell }
        var c = cell
        c.version = "v\(v.counter) " + letters.name(ofId: v.tabId)
        return c
    }

    /// The status bar: time, speed, state, strategy, seed, who leads, in sync or not, last message.
    static func status(_ state: UIState, _ session: UISession, _ progress: SyncProgress) -> String {
        let sim = session.simulation
        let leaders = sim.leaders
        let leaderText: String
        if let l = sim.leader, leaders.count == 1 {
            leaderText = "leader \(l.name) (epoch \(l.epoch))"
        } else if leaders.isEmpty {
            leaderText = "no leader"
        } else {
            leaderText =
                count(leaders.count, "leader") + ": " + leaders.map { "\($0.name)@\($0.epoch)" }.joined(separator: " ")
        }
        let divergence = progressText(progress)
        let time = formatTime(sim.nowMs).drop { $0 == " " }
        let strategy = sim.options.config.conflictStrategy.rawValue
        return " t=\(time)  x\(format(state.speed))  \(LessonWait.runState(state, session))  \(strategy)  "
            + "seed \(session.scenario.seed)  \(leaderText)  \(divergence)  | \(state.message)"
    }

    /// `in sync`, `propagating (2 in flight)`, or `DIVERGED: A,C differ; theme: A,C=dark B=light`:
    /// messages that carry state still on their way tell a passing difference from a lasting one.
    static func progressText(_ progress: SyncProgress) -> String {
        switch progress {
        case .converged: return "in sync"
        case .propagating(let n, let pending):
            return "propagating (\(n) in flight"
                + (pending.isEmpty ? "" : ", " + pending.joined(separator: ",") + " pending") + ")"
        case .diverged(let c):
            let who = c.tabs.joined(separator: ",") + (c.tabs.count == 1 ? " differs" : " differ")
            return "DIVERGED: \(who); "
                + c.keys.map { key in
                    // Group the tabs by value: `theme: A,C=dark B=light`.
                    let values = c.differences[key] ?? [:]
                    var groups: [(value: String, tabs: [String])] = []
                    for name in values.keys.sorted() {
                        let shown = values[name].flatMap { $0 }.map(\.display) ?? "absent"
                        if let i = groups.firstIndex(where: { $0.value == shown }) {
                            groups[i].tabs.append(name)
                        } else {
                            groups.append((shown, [name]))
                        }
                    }
                    return key + ": "
                        + groups.map { $0.tabs.joined(separator: ",") + "=" + $0.value }.joined(separator: " ")
                }.joined(separator: "; ")
        }
    }

    /// `1 event`, `2 events`.
    public static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)" + (n == 1 ? "" : "s") }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    /// The sequence diagram where the log was: its header and the newest rows that fit, with the
    /// log's filter and ping setting.
    static func diagramLines(_ state: UIState, _ sim: Simulation, _ layout: Layout) -> [LogLine] {
        let filter = state.logFilter
        let diagram = SequenceDiagram(
            columns: SequenceDiagram.columns(tabs: sim.tabs.map(\.name)), width: layout.log.width,
            hidesPings: state.hidePings, filter: { filter.accepts($0) })
        let text = diagram.lines(events: sim.log.events, flights: sim.flights, lastRows: max(0, layout.logRows - 1))
        return text.prefix(layout.logRows).enumerated().map { i, line in
            LogLine(text: line, style: i == 0 ? CellStyle(.title, bold: true) : CellStyle(.logElection))
        }
    }

    /// The log lines as a learner reads them (`PaneLog`): tabs by pane letter, each send with its receivers.
    static func logLines(_ state: UIState, _ sim: Simulation, rows: Int, letters: TabLetters) -> [LogLine] {
        let shown = visibleLogIndices(state, sim.log, count: rows)
        guard let first = shown.first, let last = shown.last else { return [] }
        let events = sim.log.events
        // Flights are matched to sends in log order from the first instant shown.
        let firstMs = events[first].timeMs
        var matcher = FlightMatcher(sim.flights.filter { $0.sentMs >= firstMs })
        var flights: [Int: MessageFlight] = [:]
        var start = first
        while start > events.startIndex, events[start - 1].timeMs >= firstMs { start -= 1 }
        var wanted = shown.makeIterator()
        var next = wanted.next()
        for i in start...last {
            let e = events[i]
            let flight = e.kind == .sent ? matcher.flight(for: e) : nil
            if i == next {
                flights[i] = flight
                next = wanted.next()
            }
        }
        let paneLog = PaneLog(tabs: sim.tabs.map(\.name))
        return shown.map { i in
            let e = events[i]
            return LogLine(
                text: paneLog.line(e, flight: flights[i], letters: letters) ?? e.text, style: LogFilter.role(of: e))
        }
    }

    /// Whether the log shows an event: it passes the filter and is not a hidden ping.
    static func shows(_ state: UIState, _ e: SimEvent) -> Bool {
        if state.hidePings, e.messageType == .tabPing || e.messageType == .tabPong { return false }
        return state.logFilter.accepts(e)
    }

    /// The log lines the traffic pane shows, oldest first: at most `count`, `logScroll` back from the
    /// newest (or from where scrolling began); past the oldest line it shows the oldest page.
    public static func visibleLog(_ state: UIState, _ log: EventLog, count: Int) -> [SimEvent] {
        visibleLogIndices(state, log, count: count).map { log.events[$0] }
    }

    /// Where `visibleLog`'s events are in `log.events`, oldest first.
    static func visibleLogIndices(_ state: UIState, _ log: EventLog, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        let events = log.events
        var end = events.count
        if let anchor = state.logAnchor { end = max(0, min(end, anchor - log.evictedCount)) }
        var matching: [Int] = []
        var i = end - 1
        let want = state.logScroll + count
        while i >= 0, matching.count < want {
            if shows(state, events[i]) { matching.append(i) }
            i -= 1
        }
        // matching is newest first; skip `logScroll` of them, but keep a full page when scrolled past the oldest.
        let skip = max(0, min(state.logScroll, matching.count - count))
        return Array(matching.dropFirst(skip).prefix(count).reversed())
    }

    /// How many lines the filter accepts up to where the view is anchored.
    static func matchingCount(_ state: UIState, _ log: EventLog, anchor: Int?) -> Int {
        let events = log.events
        var end = events.count
        if let anchor { end = max(0, min(end, anchor - log.evictedCount)) }
        var n = 0
        for i in 0..<end where shows(state, events[i]) { n += 1 }
        return n
    }
}

extension JSONValue {
    /// A value as a pane shows it: strings bare, everything else as compact JSON.
    var display: String {
        if case .string(let s) = self { return s }
        return description
    }
}
