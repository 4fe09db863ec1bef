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
        let panes = zip(shown.indices, shown).map { i, t in
            pane(t, selected: i == state.selected, session, convergence)
        }
        var logTitle = " Traffic log  filter: \(state.logFilter.label)  \(count(sim.log.totalCount, "event"))"
        if state.logScroll > 0 { logTitle += "  [scrolled back: End follows new lines]" }
        if layout.isPaged {
            logTitle +=
                "  [tabs \(layout.firstTab + 1)-\(layout.firstTab + layout.panes.count) of \(sim.tabs.count): "
                + "Tab shows the others]"
        }
        let lines = visibleLog(state, sim.log, count: layout.logRows).map {
            LogLine(text: $0.text, style: LogFilter.role(of: $0))
        }
        let main = Frame.Main(
            layout: layout, panes: panes, logTitle: logTitle, logLines: lines,
            status: status(state, session, convergence), diverged: !convergence.converged,
            hints: KeyBinding.hintBar)
        return Frame(width: state.width, height: state.height, content: .main(main), help: help)
    }

    static func tooSmallLines(_ state: UIState) -> [String] {
        let text =
            "Terminal too small: \(state.width)x\(state.height). The UI needs at least "
            + "\(Layout.minWidth)x\(Layout.minHeight) (more tabs page with Tab). "
            + "Enlarge the window, or press q to quit."
        return HelpOverlay.wrap(text, width: max(1, state.width - 2))
    }

    static func pane(_ t: SimTab, selected: Bool, _ session: UISession, _ convergence: Convergence) -> PaneModel {
        let sim = session.simulation
        let liveness: PaneLiveness
        switch t.liveness {
        case .alive: liveness = sim.isPartitioned(t.name) ? .partitioned : .alive
        case .frozen: liveness = .frozen
        case .closed: liveness = .closed
        case .crashed: liveness = .dead
        }
        let leaderName = t.leaderId.map { id in sim.tabs.first { $0.tabId == id }?.name ?? shortTabId(id) }
        let running = t.liveness == .alive
        let cells = session.shownKeys.map { key in
            PaneModel.Cell(
                key: key, value: t.state[key],
                mark: running && convergence.differences[key] != nil ? .diverged : .same)
        }
        let look: PaneLook
        switch (t.liveness, t.state["theme"]?.stringValue) {
        case (.closed, _): look = .closed
        case (.crashed, _): look = .dead
        case (_, "dark"): look = .dark
        case (_, "light"): look = .light
        case (_, "high-contrast"): look = .highContrast
        default: look = .system
        }
        return PaneModel(
            name: t.name, tabId: t.tabId, role: t.role, epoch: t.epoch, leaderName: leaderName,
            liveness: liveness, connected: t.connectedTabs, cells: cells,
            localOnly: session.localKey.map { PaneModel.Cell(key: $0, value: t.state[$0]) },
            pending: t.pendingKeys, selected: selected, look: look)
    }

    /// The status bar: time, speed, state, strategy, seed, who leads, divergence, last message.
    static func status(_ state: UIState, _ session: UISession, _ convergence: Convergence) -> String {
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
        let divergence =
            convergence.converged
            ? "in sync"
            : "DIVERGED "
                + convergence.keys.map { key in
                    // Group the tabs by value: `theme: A,C=dark B=light`.
                    let values = convergence.differences[key] ?? [:]
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
        let time = formatTime(sim.nowMs).drop { $0 == " " }
        let strategy = sim.options.config.conflictStrategy.rawValue
        return " t=\(time)  x\(format(state.speed))  \(state.paused ? "PAUSED" : "running")  \(strategy)  "
            + "seed \(session.scenario.seed)  \(leaderText)  \(divergence)  | \(state.message)"
    }

    /// `1 event`, `2 events`.
    public static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)" + (n == 1 ? "" : "s") }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    /// The log lines the traffic pane shows, oldest first: at most `count`, `logScroll` back from the
    /// newest (or from where scrolling began); past the oldest line it shows the oldest page.
    public static func visibleLog(_ state: UIState, _ log: EventLog, count: Int) -> [SimEvent] {
        guard count > 0 else { return [] }
        let events = log.events
        var end = events.count
        if let anchor = state.logAnchor { end = max(0, min(end, anchor - log.evictedCount)) }
        var matching: [SimEvent] = []
        var i = end - 1
        let want = state.logScroll + count
        while i >= 0, matching.count < want {
            if state.logFilter.accepts(events[i]) { matching.append(events[i]) }
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
        for i in 0..<end where state.logFilter.accepts(events[i]) { n += 1 }
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
