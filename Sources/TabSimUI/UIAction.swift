/// Everything a key can ask for. The key map turns key codes into these; `AppState.apply` does them.
public enum UIAction: Equatable, Sendable {
    case select(Int)
    case selectNext, selectPrevious
    case cycleTheme, cycleLocale, fontBigger, fontSmaller
    case concurrentEdit
    case newTab, closeTab, killTab, reopenTab
    case forceLeader, toggleFreeze, togglePartition
    case cycleStrategy
    case togglePause, stepOnce, faster, slower
    case cycleLogFilter
    case scrollUp(Int), scrollDown(Int), scrollToTop, follow
    case toggleHelp
    case quit
}

/// Key codes to actions, one table, so the help overlay and the hint bar cannot disagree with it.
public enum KeyMap {
    /// Key codes ncurses returns for special keys, passed in by the terminal layer.
    public struct SpecialKeys: Sendable {
        public var up, down, pageUp, pageDown, home, end, backTab: Int32
        public init(up: Int32, down: Int32, pageUp: Int32, pageDown: Int32, home: Int32, end: Int32, backTab: Int32) {
            self.up = up
            self.down = down
            self.pageUp = pageUp
            self.pageDown = pageDown
            self.home = home
            self.end = end
            self.backTab = backTab
        }
    }

    /// The help overlay's table: keys and what they do.
    public static let help: [(keys: String, action: String)] = [
        ("1-9, Tab, Shift-Tab", "select a tab"),
        ("t", "cycle theme (light, dark, system) in the selected tab"),
        ("l", "cycle locale (en-US, fr-FR, de-DE, ja-JP)"),
        ("+ / -", "font size up / down"),
        ("x", "concurrent edit: two tabs set the theme at the same instant"),
        ("n", "open a new tab"),
        ("c", "close the selected tab gracefully (it says goodbye)"),
        ("k", "kill the selected tab (crash: no goodbye)"),
        ("r", "reopen a closed or killed tab"),
        ("f", "force the selected tab to lead (new epoch)"),
        ("z", "freeze or thaw the selected tab"),
        ("p", "cut the selected tab off from the others, or heal it"),
        ("s", "cycle the conflict strategy (all tabs)"),
        ("space", "pause or resume"),
        (".", "step to the next event while paused"),
        ("> / <", "faster / slower"),
        ("/", "filter the log: all, selected tab, state, election, faults"),
        ("Up Down PgUp PgDn", "scroll the log (autoscroll pauses)"),
        ("Home / End", "oldest line / follow new lines again"),
        ("?", "this help"),
        ("q", "quit"),
    ]

    public static let hintBar = "1-9 select  t theme  l locale  +/- font  x conflict  n new  c close  k kill  r reopen  f lead  z freeze  p partition  s strategy  space pause  / filter  ? help  q quit"

    public static func action(for key: Int32, special: SpecialKeys) -> UIAction? {
        switch key {
        case special.up: return .scrollUp(1)
        case special.down: return .scrollDown(1)
        case special.pageUp: return .scrollUp(10)
        case special.pageDown: return .scrollDown(10)
        case special.home: return .scrollToTop
        case special.end: return .follow
        case special.backTab: return .selectPrevious
        default: break
        }
        guard key > 0, key < 128, let scalar = UnicodeScalar(UInt32(key)) else { return nil }
        switch Character(scalar) {
        case "1"..."9": return .select(Int(key) - 49)
        case "\t": return .selectNext
        case "t": return .cycleTheme
        case "l": return .cycleLocale
        case "+", "=": return .fontBigger
        case "-", "_": return .fontSmaller
        case "x": return .concurrentEdit
        case "n": return .newTab
        case "c": return .closeTab
        case "k": return .killTab
        case "r": return .reopenTab
        case "f": return .forceLeader
        case "z": return .toggleFreeze
        case "p": return .togglePartition
        case "s": return .cycleStrategy
        case " ": return .togglePause
        case ".": return .stepOnce
        case ">": return .faster
        case "<": return .slower
        case "/": return .cycleLogFilter
        case "?", "h": return .toggleHelp
        case "q", "Q": return .quit
        default: return nil
        }
    }
}
