/// A screen as the escape codes a terminal would be sent to show it: the changes from one
/// `ScreenBuffer` to the next, as cursor moves (CUP), styles (SGR) and text, for a cast (`CastWriter`).
/// Only cells that changed are written (a gap of a few unchanged cells is written over rather than
/// jumped, when that is shorter); the bottom-right cell is left alone, as `Terminal` leaves it.
public enum AnsiScreen {
    static let escape = "\u{1B}["

    /// The codes that turn `old` into `new` on a terminal showing `old` (nil: a blank terminal of
    /// unknown size; everything is cleared and drawn). Empty when nothing changed. Rows that moved
    /// up together (new log lines pushing older ones up) are scrolled in the terminal (a scroll
    /// region, DECSTBM, and SU), then only what differs from the scrolled screen is written.
    /// `colors` false draws as the terminal does without colours (`ColorPalette.monochrome`).
    public static func diff(from old: ScreenBuffer?, to new: ScreenBuffer, colors: Bool = true) -> String {
        var out = ""
        var old = old
        if let previous = old, previous.width != new.width || previous.height != new.height { old = nil }
        if old == nil {
            out += escape + "0m" + escape + "?25l" + escape + "H" + escape + "2J"
        }
        var current: CellStyle? = old == nil ? CellStyle() : nil
        // What the terminal shows before the cells are written: `old`, scrolled where that pays.
        var shown: (Int, Int) -> (Character, CellStyle)? = { x, y in
            old.map { ($0.character(x: x, y: y), $0.style(x: x, y: y)) }
        }
        if let previous = old, let scroll = Scroll.best(from: previous, to: new) {
            out += escape + "0m" + escape + "\(scroll.top + 1);\(scroll.bottom + 1)r" + escape + "\(scroll.lines)S"
            out += escape + "r"
            current = CellStyle()
            shown = { x, y in
                guard (scroll.top...scroll.bottom).contains(y) else {
                    return (previous.character(x: x, y: y), previous.style(x: x, y: y))
                }
                let from = y + scroll.lines
                guard from <= scroll.bottom else { return (" ", CellStyle()) }
                return (previous.character(x: x, y: from), previous.style(x: x, y: from))
            }
        }
        var cursor: (x: Int, y: Int)? = nil
        for y in 0..<new.height {
            let width = new.width - (y == new.height - 1 ? 1 : 0)
            var x = 0
            while x < width {
                let cell = (new.character(x: x, y: y), new.style(x: x, y: y))
                let before = shown(x, y) ?? (" ", CellStyle())
                guard cell != before else {
                    x += 1
                    continue
                }
                if let c = cursor, c.y == y, c.x < x, x - c.x <= maxGap,
                    (c.x..<x).allSatisfy({ new.style(x: $0, y: y) == current })
                {
                    // A short run of unchanged cells in the same style: cheaper to write than to jump.
                    for gap in c.x..<x { out.append(new.character(x: gap, y: y)) }
                } else if cursor.map({ $0.y != y || $0.x != x }) ?? true {
                    out += escape + "\(y + 1);\(x + 1)H"
                }
                if cell.1 != current {
                    out += colors ? sgr(cell.1) : monochromeSGR(cell.1)
                    current = cell.1
                }
                out.append(cell.0)
                x += 1
                cursor = (x, y)
            }
        }
        return out
    }

    /// Rows `top...bottom` scrolled up by `lines`: the rows that moved up together from one screen to
    /// the next, found by comparing whole rows.
    struct Scroll: Equatable {
        var top: Int
        var bottom: Int
        var lines: Int

        /// At most this many lines scrolled at once (more new lines than that: rewritten).
        static let maxLines = 12
        /// A scroll is used when it saves rewriting at least this many rows.
        static let minRowsSaved = 2

        /// The scroll that saves rewriting the most rows, or nil when none saves `minRowsSaved`. The
        /// last row is never in it (the terminal's bottom-right cell is left alone).
        static func best(from old: ScreenBuffer, to new: ScreenBuffer) -> Scroll? {
            let height = new.height - 1
            guard height > 1 else { return nil }
            let before = (0..<height).map { row(old, $0) }
            let after = (0..<height).map { row(new, $0) }
            var best: (scroll: Scroll, saved: Int)?
            for lines in 1...min(maxLines, height - 1) {
                var start: Int?
                var saved = 0
                for y in 0...(height - lines) {
                    let moved = y + lines < height && after[y] == before[y + lines]
                    if moved {
                        if start == nil {
                            start = y
                            saved = 0
                        }
                        if after[y] != before[y] { saved += 1 }
                        continue
                    }
                    if let s = start, saved >= minRowsSaved, saved > best?.saved ?? 0 {
                        best = (Scroll(top: s, bottom: y - 1 + lines, lines: lines), saved)
                    }
                    start = nil
                }
            }
            return best?.scroll
        }

        /// A row's characters and styles, to compare rows whole.
        struct Row: Equatable {
            var text: String
            var styles: ArraySlice<CellStyle>
        }

        static func row(_ screen: ScreenBuffer, _ y: Int) -> Row {
            Row(text: screen.line(y), styles: screen.styles[(y * screen.width)..<((y + 1) * screen.width)])
        }
    }

    /// Unchanged cells written over rather than jumped (a jump costs 6 to 8 bytes).
    static let maxGap = 4

    /// `ESC[0;7m`: a reset, then the attributes the terminal gives the style without colours.
    public static func monochromeSGR(_ style: CellStyle) -> String {
        let look = ColorPalette.monochrome(style)
        var codes = ["0"]
        if look.bold { codes.append("1") }
        if look.dim { codes.append("2") }
        if look.underline { codes.append("4") }
        if look.reverse { codes.append("7") }
        return escape + codes.joined(separator: ";") + "m"
    }

    /// `ESC[0;1;33;40m`: a reset, then the style's attributes and colours (`ColorPalette`).
    public static func sgr(_ style: CellStyle) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.reverse { codes.append("7") }
        let colors = ColorPalette.colors(style.role)
        if let fg = colors.foreground { codes.append("\(30 + fg.rawValue)") }
        if let bg = colors.background { codes.append("\(40 + bg.rawValue)") }
        return escape + codes.joined(separator: ";") + "m"
    }
}
