import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// The thin drawing layer: the only code that talks to ncurses. It sets the terminal up, copies a
/// `ScreenBuffer` out, reads keys, and puts the terminal back however the program ends.
public final class Terminal {
    public let colors: Bool
    private var pairs: [ColorRole: Int32] = [:]

    /// Starts curses. `useColor` false (NO_COLOR, or a terminal without colours) gives a screen
    /// made of bold, dim and reverse only.
    public init(useColor: Bool) {
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_ALL, "C.UTF-8")
        }
        initscr()
        cbreak()
        noecho()
        keypad(tabsim_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        colors = useColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
            setUpPairs()
        }
    }

    deinit { restore() }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func restore() {
        if isendwin() == false {
            curs_set(1)
            endwin()
        }
    }

    public var size: (width: Int, height: Int) { (Int(tabsim_cols()), Int(tabsim_lines())) }

    public static var specialKeys: KeyMap.SpecialKeys {
        KeyMap.SpecialKeys(up: tabsim_key_up(), down: tabsim_key_down(), pageUp: tabsim_key_ppage(),
                           pageDown: tabsim_key_npage(), home: tabsim_key_home(), end: tabsim_key_end(),
                           backTab: tabsim_key_btab())
    }

    public static var resizeKey: Int32 { tabsim_key_resize() }

    /// Waits up to `timeoutMs` for a key (-1: until one comes). Returns nil on timeout or interruption.
    public func readKey(timeoutMs: Int32) -> Int32? {
        timeout(timeoutMs)
        let key = getch()
        return key == ERR ? nil : key
    }

    public func draw(_ screen: ScreenBuffer) {
        erase()
        for y in 0..<screen.height {
            var x = 0
            while x < screen.width {
                let style = screen.style(x: x, y: y)
                var run = ""
                var end = x
                while end < screen.width, screen.style(x: end, y: y) == style {
                    run.append(screen.character(x: end, y: y))
                    end += 1
                }
                let attributes = attributes(for: style)
                attron(attributes)
                mvaddstr(Int32(y), Int32(x), run)
                attroff(attributes)
                x = end
            }
        }
        refresh()
    }

    private func attributes(for style: CellStyle) -> Int32 {
        var a = tabsim_a_normal()
        if style.bold { a |= tabsim_a_bold() }
        if style.dim { a |= tabsim_a_dim() }
        if colors {
            if let pair = pairs[style.role] { a |= tabsim_color_pair(pair) }
            if style.reverse { a |= tabsim_a_reverse() }
        } else {
            // Without colours, reverse video tells dark panes (and bars, the leader) from the rest.
            if style.reverse || style.role == .paneDark { a |= tabsim_a_reverse() }
            if style.role == .title || style.role == .warning || style.role == .logFault { a |= tabsim_a_bold() }
        }
        return a
    }

    private func setUpPairs() {
        let (black, white, red, green, yellow, blue, magenta, cyan): (Int16, Int16, Int16, Int16, Int16, Int16, Int16, Int16) =
            (Int16(COLOR_BLACK), Int16(COLOR_WHITE), Int16(COLOR_RED), Int16(COLOR_GREEN),
             Int16(COLOR_YELLOW), Int16(COLOR_BLUE), Int16(COLOR_MAGENTA), Int16(COLOR_CYAN))
        let table: [(ColorRole, Int16, Int16)] = [
            (.paneLight, black, white), (.paneDark, white, black), (.paneSystem, -1, -1),
            (.title, cyan, -1), (.selectedTitle, yellow, -1),
            (.leader, yellow, black), (.follower, cyan, -1), (.candidate, magenta, -1),
            (.dead, red, -1), (.frozen, blue, -1), (.warning, red, -1),
            (.logState, green, -1), (.logElection, magenta, -1), (.logPresence, -1, -1), (.logApplied, cyan, -1),
            (.logFault, red, -1), (.logAction, yellow, -1), (.logVerdictPass, green, -1), (.logVerdictFail, red, -1),
            (.statusBar, blue, white), (.hintBar, -1, -1), (.help, black, cyan),
        ]
        for (i, (role, fg, bg)) in table.enumerated() {
            init_pair(Int16(i + 1), fg, bg)
            pairs[role] = Int32(i + 1)
        }
    }
}
