import TabSimulator
import TabSync

/// Builds the `Frame` of a `LiveScreen`: the simulator's panes, log and bars over real tabs, so
/// `tabsim tab` and `tabsim watch` look like the simulator and share its renderer. Pure.
public enum LivePresenter {
    public static func frame(_ s: LiveScreen) -> Frame {
        let layout = Layout(width: s.width, height: s.height, tabCount: max(1, s.tabs.count), timeline: false)
        if layout.tooSmall {
            let text =
                "Terminal too small: \(s.width)x\(s.height). This screen needs at least "
                + "\(Layout.minWidth)x\(Layout.minHeight). Enlarge the window, or press q to quit."
            return Frame(
                width: s.width, height: s.height, content: .tooSmall(HelpOverlay.wrap(text, width: max(1, s.width - 2)))
            )
        }
        let differing = differingKeys(s.tabs)
        let keys = Array(Set(s.tabs.flatMap { $0.state.keys }).union(s.tabs.flatMap(\.unknownKeys))).sorted()
        let shown = s.tabs.dropFirst(layout.firstTab).prefix(layout.panes.count)
        let panes = shown.map { pane($0, keys: keys, differing: differing, selected: s.mode == .tab) }
        var logTitle = " Traffic  \(s.title)  \(Presenter.count(s.log.count, "line"))"
        if s.tabs.isEmpty { logTitle += "  [no tab heard yet]" }
        if s.logScroll > 0 { logTitle += "  [scrolled back: End follows new lines]" }
        let rows = layout.logRows
        let end = max(0, s.log.count - s.logScroll)
        let lines = s.log[max(0, end - rows)..<end].map { LogLine(text: $0.text, style: $0.style) }
        let main = Frame.Main(
            layout: layout, panes: panes, logTitle: logTitle, logLines: Array(lines),
            status: status(s, differing), diverged: !differing.isEmpty, hints: s.hints)
        return Frame(width: s.width, height: s.height, content: .main(main))
    }

    /// Keys for which running tabs hold different values. A key a tab has not shown is unknown
    /// (a watcher learns state only from the frames it hears), not different.
    static func differingKeys(_ tabs: [LiveTabInfo]) -> Set<String> {
        let running = tabs.filter { $0.liveness == .alive }
        let keys = Set(running.flatMap { $0.state.keys })
        return keys.filter { key in Set(running.compactMap { $0.state[key] }).count > 1 }
    }

    /// Keys whose value some running tab holds unknown to this screen: "in sync" cannot be said of them.
    static func unknownKeys(_ tabs: [LiveTabInfo]) -> Set<String> {
        tabs.filter { $0.liveness == .alive }.reduce(into: Set<String>()) { $0.formUnion($1.unknownKeys) }
    }

    static func pane(_ t: LiveTabInfo, keys: [String], differing: Set<String>, selected: Bool) -> PaneModel {
        let running = t.liveness == .alive
        let cells = keys.map { key in
            let mark: CellMark =
                t.unknownKeys.contains(key) ? .unknown : running && differing.contains(key) ? .diverged : .same
            return PaneModel.Cell(key: key, value: t.state[key], mark: mark)
        }
        return PaneModel(t, cells: cells, selected: selected)
    }

    static func status(_ s: LiveScreen, _ differing: Set<String>) -> String {
        let unknown = unknownKeys(s.tabs)
        let sync =
            !differing.isEmpty
            ? "differ: " + differing.sorted().joined(separator: ",")
            : !unknown.isEmpty ? "unknown: " + unknown.sorted().joined(separator: ",") : "in sync"
        if s.mode == .tab, let own = s.tabs.first {
            let role: String
            switch own.role {
            case .leader: role = "leading (epoch \(own.epoch))"
            case .follower: role = "following \(own.leaderName ?? "?") (epoch \(own.epoch))"
            case .candidate: role = "candidate (epoch \(own.epoch))"
            case .none: role = own.liveness == .alive ? "no election" : own.liveness.rawValue
            }
            return " \(s.title)  \(role)  \(Presenter.count(own.connectedTabs, "other tab"))  | \(s.message)"
        }
        let leaders = s.tabs.filter { $0.role == .leader && $0.liveness == .alive }
        let leaderText: String
        switch leaders.count {
        case 0: leaderText = "no leader heard"
        case 1: leaderText = "leader \(leaders[0].name) (epoch \(leaders[0].epoch))"
        default:
            leaderText =
                Presenter.count(leaders.count, "leader") + ": "
                + leaders.map { "\($0.name)@\($0.epoch)" }.joined(separator: " ")
        }
        return " \(s.title)  \(Presenter.count(s.tabs.count, "tab"))  \(leaderText)  \(sync)  | \(s.message)"
    }
}
