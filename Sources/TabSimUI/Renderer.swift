import TabSimulator
import TabSync

/// Builds a whole frame from the app state: panes, log, status bar, hint bar, help overlay, or the
/// too-small message. Pure: the terminal only copies the result out.
public enum Renderer {
    public static func render(_ app: AppState, width: Int, height: Int) -> ScreenBuffer {
        var screen = ScreenBuffer(width: width, height: height)
        let views = app.tabViews()
        let layout = Layout(width: width, height: height, tabCount: views.count)
        if layout.tooSmall {
            drawTooSmall(&screen, tabs: views.count)
            return screen
        }
        for (view, rect) in zip(views, layout.panes) {
            TabPane.draw(view, in: rect, on: &screen)
        }
        drawLog(app, in: layout.log, on: &screen)
        let (status, diverged) = app.statusLine()
        screen.fill(x: 0, y: layout.status.y, width: width, height: 1, style: CellStyle(.statusBar, reverse: true))
        screen.put(status, x: 0, y: layout.status.y, style: CellStyle(diverged ? .warning : .statusBar, bold: diverged, reverse: true))
        screen.put(KeyMap.hintBar, x: 0, y: layout.hints.y, style: CellStyle(.hintBar, dim: true))
        if app.showHelp { drawHelp(&screen) }
        return screen
    }

    static func drawLog(_ app: AppState, in r: Rect, on screen: inout ScreenBuffer) {
        let lines = app.visibleLog(count: r.height - 1)
        let following = app.logScroll == 0
        let title = " Traffic log  filter: \(app.logFilter.label)  \(app.simulation.log.totalCount) events"
            + (following ? "" : "  [scrolled back: End follows new lines]")
        screen.fill(x: r.x, y: r.y, width: r.width, height: 1, style: CellStyle(.title, bold: true))
        screen.put(title, x: r.x, y: r.y, style: CellStyle(.title, bold: true))
        for (i, e) in lines.enumerated() {
            screen.put(e.text, x: r.x, y: r.y + 1 + i, style: LogFilter.role(of: e), maxWidth: r.width)
        }
    }

    static func drawTooSmall(_ screen: inout ScreenBuffer, tabs: Int) {
        let need = Layout.minimumSize(tabCount: tabs)
        let lines = [
            "Terminal too small: \(screen.width)x\(screen.height).",
            "\(tabs) tabs side by side need \(need.width)x\(need.height) (narrower works with more rows).",
            "Enlarge the window, or press q to quit.",
        ]
        for (i, line) in lines.enumerated() {
            let y = screen.height / 2 - 1 + i
            screen.put(line, x: max(0, (screen.width - line.count) / 2), y: y, style: CellStyle(.warning, bold: true))
        }
    }

    static func drawHelp(_ screen: inout ScreenBuffer) {
        let keyWidth = KeyMap.help.map(\.keys.count).max()! + 2
        let body = KeyMap.help.map { "  " + $0.keys + String(repeating: " ", count: keyWidth - $0.keys.count) + $0.action }
        let lines = [" TabSync simulator: keys", ""] + body + ["", "  Pane colours follow each tab's theme; the status bar names diverged keys.", "  Press ? again to close."]
        let w = min(screen.width - 2, (lines.map(\.count).max() ?? 0) + 2)
        let h = min(screen.height - 2, lines.count + 2)
        let x = max(0, (screen.width - w) / 2), y = max(0, (screen.height - h) / 2)
        screen.fill(x: x, y: y, width: w, height: h, style: CellStyle(.help, reverse: true))
        for (i, line) in lines.prefix(h - 2).enumerated() {
            screen.put(line, x: x + 1, y: y + 1 + i, style: CellStyle(.help, bold: i == 0, reverse: true), maxWidth: w - 2)
        }
    }
}
