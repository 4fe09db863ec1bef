import TabSync

/// One real tab as a screen shows it: what the process knows of itself (`tabsim tab`), or what
/// its frames announced (`tabsim watch`).
public struct LiveTabInfo: Equatable, Sendable {
    public var name: String
    public var tabId: String
    public var role: ElectionRole
    public var epoch: Int
    /// The name of the tab it follows, when known.
    public var leaderName: String?
    public var liveness: PaneLiveness
    public var connected: Int
    /// Its known values (a key neither here nor in `unknownKeys` is known to be absent).
    public var state: StateDocument
    /// Keys whose value here is unknown: a watcher learns values only from the frames it hears.
    public var unknownKeys: Set<String> = []
    /// Its election priority (its creation time), nil while unknown.
    public var priority: Milliseconds?

    public init(
        name: String, tabId: String, role: ElectionRole, epoch: Int, leaderName: String?, liveness: PaneLiveness,
        connected: Int, state: StateDocument
    ) {
        self.name = name
        self.tabId = tabId
        self.role = role
        self.epoch = epoch
        self.leaderName = leaderName
        self.liveness = liveness
        self.connected = connected
        self.state = state
    }
}

/// The screen over real processes, as one value changed only by `update`: `tabsim tab` (its own
/// pane, keys that edit it) and `tabsim watch` (every tab heard, read-only). The engine runs on
/// another thread's event loop; what a key asks of it comes back from `update` as a `Command`,
/// so this stays plain, testable Swift, like the simulator's `UIState` and `UIUpdate`.
public struct LiveScreen: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// One real tab in this terminal: its keys edit and steer it.
        case tab
        /// A passive observer: it shows, never sends.
        case watch
    }

    public enum Action: Equatable, Sendable {
        case key(Key)
        case resize(width: Int, height: Int)
        /// How the tabs are now, and the log lines since the last refresh.
        case refresh(tabs: [LiveTabInfo], newLines: [String])
    }

    /// What a key asks of the tab: run on the engine's loop by the caller.
    public enum Command: Equatable, Sendable {
        case set(key: String, value: JSONValue)
        case lead, close, quit
    }

    /// Log lines kept (older ones are dropped).
    public static let maxLogLines = 2000

    public let mode: Mode
    /// What this screen watches: `tab A on app-sync`, `watch app-sync`.
    public let title: String
    public var tabs: [LiveTabInfo] = []
    /// Oldest first.
    public var log: [String] = []
    /// Lines scrolled back from the newest; 0 follows new lines.
    public var logScroll = 0
    public var message: String
    public var width = 80
    public var height = 24
    public var quitRequested = false

    public init(mode: Mode, title: String) {
        self.mode = mode
        self.title = title
        message = mode == .tab ? "keys edit this tab; q quits" : "watching: it never sends; q quits"
    }

    /// The key hints of the bottom line.
    public var hints: String {
        switch mode {
        case .tab: "t theme  l locale  f lead  c close  Up/Down/PgUp/PgDn/End log  q quit"
        case .watch: "Up/Down/PgUp/PgDn/End log  q quit"
        }
    }

    /// Applies an action; returns what the tab must do, if anything.
    @discardableResult
    public mutating func update(_ action: Action) -> Command? {
        switch action {
        case .resize(let w, let h):
            width = w
            height = h
        case .refresh(let now, let newLines):
            tabs = now
            log.append(contentsOf: newLines)
            if log.count > Self.maxLogLines { log.removeFirst(log.count - Self.maxLogLines) }
            if logScroll > 0 { logScroll = min(logScroll + newLines.count, max(0, log.count - 1)) }
        case .key(let key):
            return press(key)
        }
        return nil
    }

    private mutating func press(_ key: Key) -> Command? {
        switch key {
        case .char("q"):
            quitRequested = true
            return mode == .tab ? .quit : nil
        case .up: scroll(1)
        case .down: scroll(-1)
        case .pageUp: scroll(10)
        case .pageDown: scroll(-10)
        case .end: logScroll = 0
        case .home: logScroll = max(0, log.count - 1)
        default:
            guard mode == .tab, let own = tabs.first else {
                message = mode == .watch ? "watch only shows: keys that edit are in tabsim tab" : message
                return nil
            }
            switch key {
            case .char("t"): return set("theme", after: own.state["theme"], in: UIUpdate.themes)
            case .char("l"): return set("locale", after: own.state["locale"], in: UIUpdate.locales)
            case .char("f"):
                message = "lead: forceLeader, a new epoch"
                return .lead
            case .char("c"):
                message = "close: goodbye sent; the process stays (q quits)"
                return .close
            default: break
            }
        }
        return nil
    }

    private mutating func set(_ key: String, after current: JSONValue?, in cycle: [JSONValue]) -> Command {
        let next = cycle[current.flatMap { cycle.firstIndex(of: $0) }.map { ($0 + 1) % cycle.count } ?? 0]
        message = "set \(key)=\(next.display)"
        return .set(key: key, value: next)
    }

    private mutating func scroll(_ lines: Int) {
        logScroll = max(0, min(logScroll + lines, max(0, log.count - 1)))
    }
}
