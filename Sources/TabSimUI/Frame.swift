import TabSimulator
import TabSync

/// What one screen shows, as plain values: built by the `Presenter` from the UI state and the
/// simulation, turned into characters by the `Renderer`. Everything here is already decided
/// (which log lines, which cells differ, what the status says); drawing only places it.
public struct Frame: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var content: Content
    /// The help overlay, over whatever else shows.
    public var help: HelpOverlay?

    public enum Content: Equatable, Sendable {
        /// The screen is too small: these lines, wrapped to its width.
        case tooSmall([String])
        case main(Main)
    }

    public struct Main: Equatable, Sendable {
        public var layout: Layout
        /// One per rectangle of `layout.panes`.
        public var panes: [PaneModel]
        public var logTitle: String
        public var logLines: [LogLine]
        public var status: String
        /// True when running tabs disagree: the status bar turns to a warning.
        public var diverged: Bool
        public var hints: String
        /// The lesson's narration panel (`NarrationPanel.lines`: its heading, then the waiting prompt
        /// and the narration, wrapped and scrolled): drawn at the top of the log.
        public var banner: [String] = []
        /// The lesson waits for a key (time held): the panel's heading stands out.
        public var bannerWaits = false
        /// The timeline's line (`Timeline.line`), drawn in `layout.timeline`; empty on screens without one.
        public var timeline = ""
    }
}

/// One line of the traffic pane.
public struct LogLine: Equatable, Sendable {
    public var text: String
    public var style: CellStyle
}

/// How a pane looks as a whole: its tab's theme, or gone. Each is distinct from every other, with
/// and without colour (see `Terminal`).
public enum PaneLook: Equatable, Sendable {
    case light, dark, system, highContrast
    /// Closed gracefully, or crashed: what it shows is the last it knew.
    case closed, crashed

    /// A pane's look from its tab's liveness and `theme` value: gone tabs look gone, the rest follow
    /// their theme (anything unknown looks like `system`).
    public init(liveness: Liveness, theme: JSONValue?) {
        switch (liveness, theme?.stringValue) {
        case (.closed, _): self = .closed
        case (.crashed, _): self = .crashed
        case (_, "dark"): self = .dark
        case (_, "light"): self = .light
        case (_, "high-contrast"): self = .highContrast
        default: self = .system
        }
    }
}

/// One tab's pane, as values: built from the tab's one description (`TabSnapshot`), simulated or
/// real, by `init(_:cells:selected:)`.
public struct PaneModel: Equatable, Sendable {
    public var name: String
    public var tabId: String
    public var role: ElectionRole
    public var epoch: Int
    /// The name of the tab this one follows, if it knows a leader.
    public var leaderName: String?
    public var liveness: Liveness
    public var isPartitioned: Bool
    public var connected: Int
    public var cells: [Cell]
    /// The local-only key and its value.
    public var localOnly: Cell?
    public var pending: [String]
    public var selected: Bool
    public var look: PaneLook
    /// The tab's election priority: its creation time (lower is older and wins); nil while a
    /// watcher has not heard it (shown as `?`, not as 0).
    public var priority: Milliseconds?
    /// The role's timer and the ping timer, read from the engine (none once the tab is gone).
    public var timers: [PaneTimer] = []
    /// Copies on their way to this tab, and its messages still on their way to someone.
    public var incoming = 0
    public var outgoing = 0
    /// Marked (`m`) for the next two-group partition.
    public var marked = false
    /// Played by a process (an external tab), not by the engine: `[ext]` in its title.
    public var external = false

    /// The pane of `tab`, showing `cells` (already marked) and, if any, its local-only key. The
    /// leader goes by `tab.leaderName`, or else by its short id.
    public init(_ tab: TabSnapshot, cells: [Cell], localOnly: Cell? = nil, selected: Bool) {
        name = tab.name
        tabId = tab.tabId
        role = tab.role
        epoch = tab.epoch
        leaderName = tab.leaderName ?? tab.leaderId.map(shortTabId)
        liveness = tab.liveness
        isPartitioned = tab.isPartitioned
        connected = tab.connectedTabs
        self.cells = cells
        self.localOnly = localOnly
        pending = tab.pendingKeys
        self.selected = selected
        look = PaneLook(liveness: tab.liveness, theme: tab.state["theme"])
        priority = tab.priority
        timers = tab.countdowns.map(PaneTimer.of) ?? []
    }

    /// One word for the tab's condition, as its snapshot says it (`TabSnapshot.condition`).
    public var condition: String { liveness == .alive && isPartitioned ? "partitioned" : liveness.rawValue }

    /// One key and its value in this tab.
    public struct Cell: Equatable, Sendable {
        public var key: String
        public var value: JSONValue?
        public var mark: CellMark
        /// `v3 B`: the version the tab holds and its writer's pane letter, shown while `v` is on.
        public var version: String?
        public init(key: String, value: JSONValue?, mark: CellMark = .same, version: String? = nil) {
            self.key = key
            self.value = value
            self.mark = mark
            self.version = version
        }
    }
}

/// What a cell's value says about the other tabs. More marks (a value still propagating, per-key
/// versions) fit here without changing panes.
public enum CellMark: Equatable, Sendable {
    case same
    /// Running tabs hold different values for this key.
    case diverged
    /// The screen does not know this tab's value (a watcher learns values only from frames it hears).
    case unknown
}

/// The help overlay: its lines (already wrapped to the screen) and how far it is scrolled.
public struct HelpOverlay: Equatable, Sendable {
    public var lines: [String]
    public var scroll: Int
    /// Rows the box can show between its title and its footer.
    public var bodyRows: Int
    public var rect: Rect

    public static let title = " TabSync simulator: keys and symbols"
    public static let footer = " Up/Down PgUp/PgDn or wheel scroll   Esc or ? closes"
    /// The keys help's first page starts with, before the legend: how to quit, pause and get help.
    static let firstKeys: [UIAction] = [.quit, .togglePause, .toggleHelp]

    /// The overlay for a screen: quit, pause and help, the legend of the screen's symbols
    /// (`Legend`), every other key and what it does (`KeyBinding.all`, in its order), and the
    /// mouse; wrapped to fit, scrolled by `scroll`.
    public init(width: Int, height: Int, scroll: Int) {
        let boxWidth = max(10, min(width, 100))
        let keyWidth = (KeyBinding.all.map(\.label.count).max() ?? 0) + 4
        let textWidth = max(10, boxWidth - 2 - keyWidth)
        var body: [String] = []
        func add(_ label: String, _ text: String) {
            for (i, part) in Self.wrap(text, width: textWidth).enumerated() {
                let key = i == 0 ? "  " + label : ""
                body.append(key + String(repeating: " ", count: max(1, keyWidth - key.count)) + part)
            }
        }
        let first = Self.firstKeys.compactMap { a in KeyBinding.all.first { $0.actions.first == a } }
        for b in first { add(b.label, b.help) }
        body += ["", " Symbols"]
        for row in Legend.rows { add(row.symbols, row.meaning) }
        body += ["", " Keys"]
        for b in KeyBinding.all where !first.contains(where: { $0.label == b.label }) { add(b.label, b.help) }
        body += ["", " Mouse"]
        for row in Legend.mouse { add(row.symbols, row.meaning) }
        let boxHeight = max(4, min(height, body.count + 4))
        bodyRows = max(0, boxHeight - 4)
        lines = body
        self.scroll = max(0, min(scroll, body.count - bodyRows))
        rect = Rect(
            x: max(0, (width - boxWidth) / 2), y: max(0, (height - boxHeight) / 2), width: boxWidth, height: boxHeight)
    }

    public var maxScroll: Int { max(0, lines.count - bodyRows) }

    /// Words into lines of at most `width` columns (a longer word is cut).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.isEmpty {
                line = String(word.prefix(width))
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word.prefix(width))
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
