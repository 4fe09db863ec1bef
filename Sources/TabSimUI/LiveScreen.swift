import TabSimulator
import TabSync

/// One real tab as a screen shows it: what the process knows of itself (`tabsim tab`), or what
/// its frames announced (`tabsim watch`). The one description of a tab, as the simulator's screens
/// have it: real tabs map into it at the screen's edge (`TabSnapshot.init(name:tabId:...)`).
public typealias LiveTabInfo = TabSnapshot

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
        case refresh(tabs: [LiveTabInfo], lines: [LiveLogLine])

        /// A refresh whose lines came as bare text (the processes' output): drawn in one colour,
        /// as nothing typed says what they are about.
        public static func refresh(tabs: [LiveTabInfo], newLines: [String]) -> Action {
            .refresh(tabs: tabs, lines: newLines.map { LiveLogLine(text: $0) })
        }
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
    public var log: [LiveLogLine] = []
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

    /// What keys do on this screen, as actions of the one key table (`KeyBinding`): scrolling the
    /// log and quitting everywhere; in `tabsim tab`, editing and steering the tab too.
    public var actions: [UIAction] {
        let log: [UIAction] = [.scrollUp(1), .scrollDown(1), .scrollUp(10), .scrollDown(10), .scrollToTop, .follow]
        let tab: [UIAction] = [.cycleTheme, .cycleLocale, .forceLeader, .closeTab]
        return (mode == .tab ? tab : []) + log + [.quit]
    }

    /// The key hints of the bottom line, from the key table.
    public var hints: String { KeyBinding.hints(for: actions) }

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
            guard let action = KeyBinding.action(for: key) else { return nil }
            guard actions.contains(action) else {
                if mode == .watch { message = "watch only shows: keys that edit are in tabsim tab" }
                return nil
            }
            return perform(action)
        }
        return nil
    }

    private mutating func perform(_ action: UIAction) -> Command? {
        switch action {
        case .quit:
            quitRequested = true
            return mode == .tab ? .quit : nil
        case .scrollUp(let n): scroll(n)
        case .scrollDown(let n): scroll(-n)
        case .follow: logScroll = 0
        case .scrollToTop: logScroll = max(0, log.count - 1)
        default:
            guard let own = tabs.first else { return nil }
            switch action {
            case .cycleTheme: return set("theme", after: own.state["theme"], in: UIUpdate.themes)
            case .cycleLocale: return set("locale", after: own.state["locale"], in: UIUpdate.locales)
            case .forceLeader:
                message = "lead: forceLeader, a new epoch"
                return .lead
            case .closeTab:
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
