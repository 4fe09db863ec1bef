/// The colours of each `ColorRole`, as the eight ANSI colours (nil: the terminal's default): the one
/// table the ncurses terminal (`Terminal`), a cast (`AnsiScreen`) and a screenshot (`ScreenSVG`) read,
/// so a saved screen looks like the one on the terminal.
public enum ColorPalette {
    /// The eight ANSI colours, in their SGR order (`30 + rawValue`, `40 + rawValue`).
    public enum AnsiColor: Int, Sendable, CaseIterable {
        case black, red, green, yellow, blue, magenta, cyan, white

        /// The colour as `#rrggbb`, as xterm's default palette draws it.
        public var hex: String {
            switch self {
            case .black: "#000000"
            case .red: "#cd0000"
            case .green: "#00cd00"
            case .yellow: "#cdcd00"
            case .blue: "#0000ee"
            case .magenta: "#cd00cd"
            case .cyan: "#00cdcd"
            case .white: "#e5e5e5"
            }
        }
    }

    /// A role's foreground and background (nil: the terminal's default).
    public struct Colors: Equatable, Sendable {
        public var foreground: AnsiColor?
        public var background: AnsiColor?
    }

    /// A screenshot's default foreground and background (a dark terminal).
    public static let defaultForeground = "#d0d0d0"
    public static let defaultBackground = "#1c1c1c"

    /// Every role but `normal`, with its colours.
    public static let table: [(role: ColorRole, colors: Colors)] = [
        (.paneLight, Colors(foreground: .black, background: .white)),
        (.paneDark, Colors(foreground: .white, background: .black)),
        (.paneSystem, Colors(foreground: .black, background: .green)),
        (.paneHighContrast, Colors(foreground: .yellow, background: .black)),
        (.paneClosed, Colors(foreground: nil, background: nil)),
        (.paneCrashed, Colors(foreground: .white, background: .red)),
        (.title, Colors(foreground: .cyan, background: nil)),
        (.selectedTitle, Colors(foreground: .yellow, background: nil)),
        (.leader, Colors(foreground: .yellow, background: .black)),
        (.follower, Colors(foreground: .cyan, background: nil)),
        (.candidate, Colors(foreground: .magenta, background: nil)),
        (.crashed, Colors(foreground: .red, background: nil)),
        (.frozen, Colors(foreground: .blue, background: nil)),
        (.warning, Colors(foreground: .red, background: nil)),
        (.logState, Colors(foreground: .green, background: nil)),
        (.logElection, Colors(foreground: .magenta, background: nil)),
        (.logPresence, Colors(foreground: nil, background: nil)),
        (.logApplied, Colors(foreground: .cyan, background: nil)),
        (.logFault, Colors(foreground: .red, background: nil)),
        (.logAction, Colors(foreground: .yellow, background: nil)),
        (.logVerdictPass, Colors(foreground: .green, background: nil)),
        (.logVerdictFail, Colors(foreground: .red, background: nil)),
        (.statusBar, Colors(foreground: .blue, background: .white)),
        (.hintBar, Colors(foreground: nil, background: nil)),
        (.help, Colors(foreground: .black, background: .cyan)),
    ]

    private static let byRole: [ColorRole: Colors] = Dictionary(
        uniqueKeysWithValues: table.map { ($0.role, $0.colors) })

    /// The colours of `role` (the default for `normal`).
    public static func colors(_ role: ColorRole) -> Colors { byRole[role] ?? Colors(foreground: nil, background: nil) }

    /// A cell's attributes where there are no colours (NO_COLOR, a monochrome terminal).
    public struct Monochrome: Equatable, Sendable {
        public var bold, dim, reverse, underline: Bool
    }

    /// Attributes without colours. Each pane look keeps its own: light plain, dark reverse, system
    /// underlined, high-contrast reverse bold, closed dim, crashed dim reverse; bars and the leader
    /// are reverse, titles and warnings bold.
    public static func monochrome(_ style: CellStyle) -> Monochrome {
        let reversed: Set<ColorRole> = [.paneDark, .paneHighContrast, .paneCrashed]
        let bold: Set<ColorRole> = [.paneHighContrast, .title, .warning, .logFault]
        return Monochrome(
            bold: style.bold || bold.contains(style.role),
            dim: style.dim || style.role == .paneClosed || style.role == .paneCrashed,
            reverse: style.reverse || reversed.contains(style.role),
            underline: style.role == .paneSystem)
    }

    /// The colours a cell of `style` is drawn in, reverse applied: (foreground, background) as
    /// `#rrggbb`, the defaults where the role has none.
    public static func hexColors(_ style: CellStyle) -> (foreground: String, background: String) {
        let c = colors(style.role)
        let fg = c.foreground?.hex ?? defaultForeground
        let bg = c.background?.hex ?? defaultBackground
        return style.reverse ? (bg, fg) : (fg, bg)
    }
}
