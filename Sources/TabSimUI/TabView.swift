import TabSync

/// What one tab's pane shows, taken from the simulation at one instant (a plain value, so panes
/// render and test without a simulation).
public struct TabView: Equatable, Sendable {
    public var name: String
    public var tabId: String
    public var role: ElectionRole
    public var epoch: Int
    /// The name of the tab this one follows, if it knows a leader.
    public var leaderName: String?
    /// alive, frozen, partitioned, closed or dead.
    public var liveness: String
    public var connected: Int
    /// Synced keys in display order, with their values.
    public var synced: [(key: String, value: JSONValue?)]
    /// The local-only key and its value.
    public var localOnly: (key: String, value: JSONValue?)?
    public var pending: [String]
    public var selected: Bool

    public init(name: String, tabId: String, role: ElectionRole, epoch: Int, leaderName: String?, liveness: String,
                connected: Int, synced: [(key: String, value: JSONValue?)], localOnly: (key: String, value: JSONValue?)?,
                pending: [String], selected: Bool) {
        self.name = name
        self.tabId = tabId
        self.role = role
        self.epoch = epoch
        self.leaderName = leaderName
        self.liveness = liveness
        self.connected = connected
        self.synced = synced
        self.localOnly = localOnly
        self.pending = pending
        self.selected = selected
    }

    public var theme: String? { synced.first { $0.key == "theme" }?.value?.stringValue }
    public var isGone: Bool { liveness == "closed" || liveness == "dead" }

    public static func == (a: TabView, b: TabView) -> Bool {
        a.name == b.name && a.tabId == b.tabId && a.role == b.role && a.epoch == b.epoch && a.leaderName == b.leaderName
            && a.liveness == b.liveness && a.connected == b.connected && a.pending == b.pending && a.selected == b.selected
            && a.synced.map(\.key) == b.synced.map(\.key) && a.synced.map(\.value) == b.synced.map(\.value)
            && a.localOnly?.key == b.localOnly?.key && a.localOnly?.value == b.localOnly?.value
    }
}

/// Draws a tab's pane. Its colours follow the tab's theme (light, dark or system), so tabs that
/// agree look alike and a diverged tab stands out.
public enum TabPane {
    public static func draw(_ tab: TabView, in r: Rect, on screen: inout ScreenBuffer) {
        let base: CellStyle
        switch tab.isGone ? nil : tab.theme {
        case "dark": base = CellStyle(.paneDark)
        case "light": base = CellStyle(.paneLight)
        default: base = CellStyle(.paneSystem)
        }
        screen.fill(x: r.x, y: r.y, width: r.width, height: r.height, style: tab.isGone ? CellStyle(.dead, dim: true) : base)
        var y = r.y
        func row(_ text: String, _ style: CellStyle? = nil) {
            screen.put(" " + text, x: r.x, y: y, style: style ?? base, maxWidth: r.width)
            y += 1
        }
        let title = " \(tab.name)  \(tab.tabId)"
        screen.fill(x: r.x, y: y, width: r.width, height: 1, style: CellStyle(tab.selected ? .selectedTitle : .title, bold: true, reverse: tab.selected))
        screen.put((tab.selected ? ">" : " ") + title, x: r.x, y: y,
                   style: CellStyle(tab.selected ? .selectedTitle : .title, bold: true, reverse: tab.selected), maxWidth: r.width)
        y += 1
        switch tab.role {
        case .leader: row("LEADER  epoch \(tab.epoch)", CellStyle(.leader, bold: true, reverse: true))
        case .follower: row("follower of \(tab.leaderName ?? "?")  epoch \(tab.epoch)", CellStyle(.follower))
        case .candidate: row("candidate  epoch \(tab.epoch)", CellStyle(.candidate, bold: true))
        case .none: row(tab.isGone ? "-" : "no election", base)
        }
        let livenessStyle: CellStyle
        switch tab.liveness {
        case "alive": livenessStyle = base
        case "frozen": livenessStyle = CellStyle(.frozen, bold: true)
        case "partitioned": livenessStyle = CellStyle(.warning, bold: true)
        default: livenessStyle = CellStyle(.dead, bold: true)
        }
        row("\(tab.liveness)  \(tab.isGone ? "" : "\(tab.connected) connected")", livenessStyle)
        for (key, value) in tab.synced.prefix(Layout.paneHeight - 5) {
            row(pad(key, 10) + " " + (value?.display ?? "-"))
        }
        y = r.y + Layout.paneHeight - 2
        if let local = tab.localOnly {
            row(pad(local.key, 12) + " " + (local.value?.display ?? "-") + " (local)", CellStyle(base.role, dim: true))
        }
        row(tab.pending.isEmpty ? "" : "pending " + tab.pending.joined(separator: ","), CellStyle(.warning))
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count)
    }
}

extension JSONValue {
    /// A value as a pane shows it: strings bare, everything else as compact JSON.
    var display: String {
        if case .string(let s) = self { return s }
        return description
    }
}
