import TabSimulator
import TabSync

/// Everything the UI itself holds, as one value: what is selected, how time runs, what the log
/// and the overlays show, and the last message. The simulation (the world) is not in it; the
/// update function changes both, the presenter reads both. Equatable, so a test can state the
/// whole of it after each action.
public struct UIState: Equatable, Sendable {
    /// Down to x0.01: at the teaching latency a message then stays in flight for half a minute.
    public static let speeds: [Double] = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 50, 100]
    /// The index of x1, where a session starts.
    public static let normalSpeedIndex = 6

    /// The selected tab's index in the simulation's tabs.
    public var selected = 0
    public var paused = false
    public var speedIndex = UIState.normalSpeedIndex
    public var logFilter: LogFilter = .all
    /// Lines scrolled back from the newest; 0 follows new lines.
    public var logScroll = 0
    /// While scrolled back, the log's total event count when scrolling began: later lines do not move the view.
    public var logAnchor: Int?
    public var showHelp = false
    /// The sequence diagram shows where the log was (`d`).
    public var showDiagram = false
    /// The log and the diagram leave out TAB_PING and TAB_PONG (`h`).
    public var hidePings = false
    /// The teaching network (300-900 ms) replaces the scenario's (`N`).
    public var teachingNetwork = false
    /// One message in five is lost (`L`), on top of the network the scenario or `N` chose.
    public var lossy = false
    /// Tabs marked (`m`) for a two-group partition (`P`: the marked ones against the rest).
    public var marked: [String] = []
    /// The next message sent is lost to every receiver (`D`); then the network is as before.
    public var dropNextArmed = false
    /// The key a lesson's waiting prompt asks for (mirrored from the session after each action):
    /// that key, on the prompt's tab (`promptTab`), or space, answers it.
    public var promptKey: String?
    /// The index of the tab the waiting prompt asks the key to be pressed on; nil when any tab
    /// will do (a prompt to open a tab).
    public var promptTab: Int?
    /// Panes show each key's version and writer (`theme dark v3 B`): why a value won.
    public var showVersions = false
    /// Help lines scrolled past (help scrolls on screens too short for it).
    public var helpScroll = 0
    /// What the last action did, or why it could not.
    public var message = "press ? for help"
    public var width = 80
    public var height = 24
    /// True when the screen cannot show even one row of panes and the log: the UI says so instead.
    public var tooSmall = false
    /// Virtual time owed but not yet run (less than a millisecond).
    public var pendingVirtualMs = 0.0
    /// Where `w` writes, once known (`--record FILE`, or the first `w`).
    public var recordPath: String?
    /// The present: the latest moment the session reached (virtual time, and events run by then),
    /// where it goes on from; a rewind leaves it behind (the timeline shows both).
    public var presentMs: Milliseconds = 0
    public var presentEvents = 0

    /// Lines the lesson's narration panel is scrolled down (`(` and `)`); back to 0 at each new narration.
    public var narrationScroll = 0
    /// The last narration shown again in full (`R`), time paused until space.
    public var narrationOpen = false
    /// True while the lesson holds time for its narration to be read (mirrored from the session
    /// after each action): space reads on.
    public var narrationHeld = false
    /// How many `say` steps the session had performed when the UI last looked: a new narration
    /// scrolls the panel back to its top.
    public var narrationSeen = 0
    /// The lesson runs on its own (`tabsim learn --auto`): a held narration or a waiting prompt
    /// goes on after a delay long enough to read it (`NarrationPanel.readingMs`).
    public var autoNarration = false
    /// How long the current hold has lasted, on the UI's clock (the ticks' ms), for `autoNarration`.
    public var heldMs = 0.0

    public init() {}

    public var speed: Double { Self.speeds[max(0, min(Self.speeds.count - 1, speedIndex))] }
}
