import CNCurses
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The signal that asked the UI to stop (0: none). Set from a signal handler, so an atomic.
private let stopSignal = Atomic<Int32>(0)

/// The ncurses `TerminalDevice`: the only code that talks to ncurses. It sets the terminal up,
/// copies a `ScreenBuffer` out, reads bytes and decodes them into keys itself (`KeyDecoder`, so
/// keys work whatever TERM says and unknown sequences are dropped whole), and puts the terminal
/// back however the program ends: `restore()` on every normal path, `TerminalGuard` on a crash.
public final class Terminal: TerminalDevice {
    public let colors: Bool
    private var pairs: [ColorRole: Int32] = [:]
    private var decoder = KeyDecoder()
    /// How long to wait for the rest of an escape sequence before taking ESC as the Esc key.
    private static let escapeWaitMs: Int32 = 30

    /// True when ncurses switched the terminal's mouse reporting on (`mouse: true`, and a terminal
    /// whose description has a mouse: `kmous`, as xterm, tmux and screen do).
    public let reportsMouse: Bool

    /// Starts curses. `useColor` false (NO_COLOR, or a terminal without colours) gives a screen
    /// made of bold, dim, underline and reverse only. `mouse`: switch the terminal's mouse reporting
    /// on (see `enableMouse`).
    public init(useColor: Bool, mouse: Bool = false) {
        TerminalGuard.saveTerminalModes()
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_ALL, "C.UTF-8")
        }
        initscr()
        TerminalGuard.install()
        cbreak()
        noecho()
        keypad(tabsim_stdscr(), false)
        curs_set(0)
        reportsMouse = mouse && Self.enableMouse()
        colors = useColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
            setUpPairs()
        }
    }

    deinit { restore() }

    /// Asks the terminal for mouse reports. ncurses knows how for each terminal: `mousemask` sends
    /// the escape its description gives (`XM`: `CSI ? 1006 ; 1000 h` for xterm, SGR reports) or the
    /// xterm default (`CSI ? 1000 h`: X10 reports, tmux-256color), and `endwin` switches it off
    /// again. ncurses' own decoding (`getmouse` after `KEY_MOUSE`) works only with `keypad` on,
    /// which would also hand every other key to terminfo; here keypad stays off and `KeyDecoder`
    /// reads the reports' bytes, both encodings, like every other key. `mouseinterval(0)`: no
    /// wait to group presses into clicks.
    private static func enableMouse() -> Bool {
        mouseinterval(0)
        return mousemask(tabsim_all_mouse_events(), nil) != 0
    }

    /// Gives the terminal back as it was. Safe to call more than once. The screen is blanked with
    /// the cursor at the top first: a terminal that was resized while showing the UI (tmux does
    /// this) would otherwise carry rows of the larger screen over to the normal one.
    public func restore() {
        if isendwin() == false {
            erase()
            move(0, 0)
            refresh()
            curs_set(1)
            endwin()
        }
    }

    public var size: (width: Int, height: Int) { (Int(tabsim_cols()), Int(tabsim_lines())) }

    public func readKey(timeoutMs: Int?) -> Key? {
        timeout(Int32(clamping: timeoutMs ?? -1))
        var c = getch()
        while c != ERR {
            guard (0...255).contains(c) else { return nil }  // KEY_RESIZE: the loop reads the new size
            if let key = decoder.feed(UInt8(c)) { return key }
            guard decoder.isInsideSequence else { return nil }  // a byte no key uses
            timeout(Self.escapeWaitMs)
            c = getch()
        }
        return decoder.flush()
    }

    /// SIGINT, SIGTERM and SIGHUP end the loop instead of the process, without SA_RESTART so a
    /// blocking read of the keyboard returns and the terminal gets restored.
    public static func installStopSignals() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in stopSignal.store(received, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// The signal that stopped the loop, or 0.
    public static var receivedStopSignal: Int32 { stopSignal.load(ordering: .relaxed) }

    /// Copies the screen out, clipped to the terminal's size now: nothing is written past the last
    /// column, and the bottom-right cell is left alone (writing it scrolls some terminals).
    public func draw(_ screen: ScreenBuffer) {
        erase()
        let (columns, lines) = size
        let height = min(screen.height, lines)
        for y in 0..<height {
            let width = min(screen.width, columns) - (y == lines - 1 ? 1 : 0)
            var x = 0
            while x < width {
                let style = screen.style(x: x, y: y)
                var run = ""
                var end = x
                while end < width, screen.style(x: end, y: y) == style {
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
        guard colors else { return Self.monochromeAttributes(for: style) }
        var a = tabsim_a_normal()
        if style.bold { a |= tabsim_a_bold() }
        if style.dim { a |= tabsim_a_dim() }
        if let pair = pairs[style.role] { a |= tabsim_color_pair(pair) }
        if style.reverse { a |= tabsim_a_reverse() }
        return a
    }

    /// Attributes without colours (`ColorPalette.monochrome`: each pane look keeps its own).
    static func monochromeAttributes(for style: CellStyle) -> Int32 {
        let look = ColorPalette.monochrome(style)
        var a = tabsim_a_normal()
        if look.reverse { a |= tabsim_a_reverse() }
        if look.bold { a |= tabsim_a_bold() }
        if look.dim { a |= tabsim_a_dim() }
        if look.underline { a |= tabsim_a_underline() }
        return a
    }

    /// One colour pair per role of `ColorPalette.table` (-1: the terminal's default colour).
    private func setUpPairs() {
        for (i, (role, colors)) in ColorPalette.table.enumerated() {
            init_pair(
                Int16(i + 1), Int16(colors.foreground?.rawValue ?? -1), Int16(colors.background?.rawValue ?? -1))
            pairs[role] = Int32(i + 1)
        }
    }
}
