/// A screen as an SVG picture, for slides and bug reports: one monospace `<text>` per run of cells
/// of one style on a row, over `<rect>`s of the runs' backgrounds, in the colours the terminal
/// shows (`ColorPalette`). Every character is escaped for XML, and one XML cannot hold (a control
/// character, a noncharacter) is drawn as U+FFFD.
public enum ScreenSVG {
    /// Cell size in pixels, for a 14 px monospace font.
    static let cellWidth = 8.4
    static let cellHeight = 17.0
    static let fontSize = 14

    public static func svg(_ screen: ScreenBuffer) -> String {
        let width = Double(screen.width) * cellWidth
        let height = Double(screen.height) * cellHeight
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(number(width))" height="\(number(height))" \
            viewBox="0 0 \(number(width)) \(number(height))" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" \
            font-size="\(fontSize)" xml:space="preserve">
            <rect width="100%" height="100%" fill="\(ColorPalette.defaultBackground)"/>

            """
        for y in 0..<screen.height {
            let runs = self.runs(screen, row: y)
            for run in runs {
                let (_, bg) = ColorPalette.hexColors(run.style)
                guard bg != ColorPalette.defaultBackground else { continue }
                out += "<rect x=\"\(number(Double(run.x) * cellWidth))\" y=\"\(number(Double(y) * cellHeight))\" "
                out += "width=\"\(number(Double(run.cells.count) * cellWidth))\" height=\"\(number(cellHeight))\" "
                out += "fill=\"\(bg)\"/>\n"
            }
            for run in runs where run.cells.contains(where: { $0 != " " }) {
                let (fg, _) = ColorPalette.hexColors(run.style)
                out += "<text x=\"\(number(Double(run.x) * cellWidth))\" "
                out += "y=\"\(number(Double(y) * cellHeight + cellHeight * 0.78))\" fill=\"\(fg)\""
                out +=
                    " textLength=\"\(number(Double(run.cells.count) * cellWidth))\" lengthAdjust=\"spacingAndGlyphs\""
                if run.style.bold { out += " font-weight=\"bold\"" }
                if run.style.dim { out += " opacity=\"0.6\"" }
                out += ">" + escaped(run.cells) + "</text>\n"
            }
        }
        return out + "</svg>\n"
    }

    /// The runs of cells of one style along row `y`: where each starts, and its cells' characters.
    static func runs(_ screen: ScreenBuffer, row y: Int) -> [(x: Int, style: CellStyle, cells: String)] {
        var runs: [(x: Int, style: CellStyle, cells: String)] = []
        for x in 0..<screen.width {
            let style = screen.style(x: x, y: y)
            if let last = runs.last, last.style == style {
                runs[runs.count - 1].cells.append(screen.character(x: x, y: y))
            } else {
                runs.append((x, style, String(screen.character(x: x, y: y))))
            }
        }
        return runs
    }

    /// `text` for XML character data or an attribute: `& < > " '` as entities, and what XML 1.0
    /// cannot hold at all (controls but tab and newline, surrogates, U+FFFE and U+FFFF) as U+FFFD.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\u{00}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `12.6`: a length without trailing zeros.
    static func number(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
