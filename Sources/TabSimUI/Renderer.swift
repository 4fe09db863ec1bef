import TabSimulator
import TabSync

/// Turns a `Frame` into a `ScreenBuffer`: places panes, log, bars and overlays. Pure: the same
/// frame always gives the same screen, and nothing else is read or changed.
public enum Renderer {
    public static func render(_ frame: Frame) -> ScreenBuffer {
        var screen = ScreenBuffer(width: frame.width, height: frame.height)
        switch frame.content {
        case .tooSmall(let lines):
            let top = max(0, (frame.height - lines.count) / 2)
            for (i, line) in lines.enumerated() {
                screen.put(
                    line, x: max(0, (frame.width - line.count) / 2), y: top + i, style: CellStyle(.warning, bold: true))
            }
        case .main(let main):
            for (pane, rect) in zip(main.panes, main.layout.panes) { TabPane.draw(pane, in: rect, on: &screen) }
            let log = main.layout.log
            screen.fill(x: log.x, y: log.y, width: log.width, height: 1, style: CellStyle(.title, bold: true))
            screen.put(main.logTitle, x: log.x, y: log.y, style: CellStyle(.title, bold: true), maxWidth: log.width)
            let bannerStyle = CellStyle(.help, bold: true, reverse: true)
            for (i, line) in main.banner.enumerated() {
                let style = i == 0 && main.bannerWaits ? CellStyle(.warning, bold: true, reverse: true) : bannerStyle
                screen.fill(x: log.x, y: log.y + 1 + i, width: log.width, height: 1, style: style)
                screen.put(" " + line, x: log.x, y: log.y + 1 + i, style: style, maxWidth: log.width)
            }
            for (i, line) in main.logLines.enumerated() {
                screen.put(
                    line.text, x: log.x, y: log.y + 1 + main.banner.count + i, style: line.style, maxWidth: log.width)
            }
            if main.layout.timeline.width > 0 {
                screen.put(
                    main.timeline, x: 0, y: main.layout.timeline.y, style: CellStyle(.title),
                    maxWidth: main.layout.timeline.width)
            }
            let statusY = main.layout.status.y
            let statusStyle = CellStyle(main.diverged ? .warning : .statusBar, bold: main.diverged, reverse: true)
            screen.fill(x: 0, y: statusY, width: frame.width, height: 1, style: statusStyle)
            screen.put(main.status, x: 0, y: statusY, style: statusStyle)
            screen.put(main.hints, x: 0, y: main.layout.hints.y, style: CellStyle(.hintBar, dim: true))
        }
        if let help = frame.help { drawHelp(help, on: &screen) }
        return screen
    }

    static func drawHelp(_ help: HelpOverlay, on screen: inout ScreenBuffer) {
        let r = help.rect
        let style = CellStyle(.help, reverse: true)
        screen.fill(x: r.x, y: r.y, width: r.width, height: r.height, style: style)
        screen.put(
            HelpOverlay.title, x: r.x + 1, y: r.y + 1, style: CellStyle(.help, bold: true, reverse: true),
            maxWidth: r.width - 2)
        for (i, line) in help.lines.dropFirst(help.scroll).prefix(help.bodyRows).enumerated() {
            screen.put(line, x: r.x + 1, y: r.y + 2 + i, style: style, maxWidth: r.width - 2)
        }
        var footer = HelpOverlay.footer
        if help.scroll + help.bodyRows < help.lines.count { footer += "   (more below)" }
        screen.put(
            footer, x: r.x + 1, y: r.y + r.height - 1, style: CellStyle(.help, bold: true, reverse: true),
            maxWidth: r.width - 2)
    }
}

/// Draws a tab's pane. Its colours follow the tab's theme, so tabs that agree look alike and a
/// diverged tab stands out; a value that differs between running tabs is marked `*`.
public enum TabPane {
    public static func draw(_ tab: PaneModel, in r: Rect, on screen: inout ScreenBuffer) {
        let base: CellStyle
        switch tab.look {
        case .light: base = CellStyle(.paneLight)
        case .dark: base = CellStyle(.paneDark)
        case .system: base = CellStyle(.paneSystem)
        case .highContrast: base = CellStyle(.paneHighContrast, bold: true)
        case .closed: base = CellStyle(.paneClosed, dim: true)
        case .crashed: base = CellStyle(.paneCrashed, dim: true)
        }
        screen.fill(x: r.x, y: r.y, width: r.width, height: r.height, style: base)
        var y = r.y
        func row(_ text: String, _ style: CellStyle? = nil) {
            screen.put(" " + text, x: r.x, y: y, style: style ?? base, maxWidth: r.width)
            y += 1
        }
        let titleStyle = CellStyle(tab.selected ? .selectedTitle : .title, bold: true, reverse: tab.selected)
        screen.fill(x: r.x, y: y, width: r.width, height: 1, style: titleStyle)
        screen.put(
            (tab.selected ? ">" : " ") + " \(tab.name)  \(tab.tabId)" + (tab.external ? "  [ext]" : "")
                + (tab.marked ? "  [marked]" : ""),
            x: r.x, y: y, style: titleStyle,
            maxWidth: r.width)
        y += 1
        let gone = tab.look == .closed || tab.look == .crashed
        let room = r.width - 1
        let prio = tab.priority.map { "prio \($0)" } ?? "prio ?"
        let shortPrio = tab.priority.map { "prio " + CompactNumber.text($0) } ?? "prio ?"
        let tinyPrio = tab.priority.map { "p" + CompactNumber.text($0) } ?? "p?"
        /// The role line, longest first; its numbers are abbreviated before they would be cut.
        func roleLine(_ long: String, _ short: String) -> String {
            fit(room, long + "  " + prio, short + " " + prio, short + " " + shortPrio, short + " " + tinyPrio, short)
        }
        let epoch = CompactNumber.text(tab.epoch)
        switch tab.role {
        case .leader:
            row(
                roleLine("LEADER  epoch \(tab.epoch)", "LEADER e\(epoch)"),
                CellStyle(.leader, bold: true, reverse: true))
        case .follower:
            let of = "follower of \(tab.leaderName ?? "?")"
            row(roleLine(of + "  epoch \(tab.epoch)", of + " e\(epoch)"), CellStyle(.follower))
        case .candidate:
            row(roleLine("candidate  epoch \(tab.epoch)", "candidate e\(epoch)"), CellStyle(.candidate, bold: true))
        case .none: row(gone ? "-" : fit(room, "no election  " + prio, "no election  " + shortPrio, "no election"))
        }
        let livenessStyle: CellStyle
        switch tab.liveness {
        case .alive: livenessStyle = tab.isPartitioned ? CellStyle(.warning, bold: true) : base
        case .frozen: livenessStyle = CellStyle(.frozen, bold: true)
        case .closed, .crashed: livenessStyle = CellStyle(.crashed, bold: true)
        }
        let flight = "↓\(tab.incoming) ↑\(tab.outgoing)"
        let condition = tab.condition
        row(
            gone
                ? condition
                : fit(
                    room, condition + "  \(tab.connected) connected  " + flight,
                    condition + " \(tab.connected) conn " + flight),
            livenessStyle)
        for cell in tab.cells.prefix(Layout.paneHeight - 6) {
            let shown = cell.mark == .unknown ? "?" : cell.value?.display ?? "-"
            let text = pad(cell.key, 10) + " " + shown + (cell.version.map { " " + $0 } ?? "")
            switch cell.mark {
            case .same, .unknown: row(" " + text)
            case .diverged: row("*" + text, CellStyle(.warning, bold: true))
            }
        }
        y = r.y + Layout.paneHeight - 3
        row(timerRow(tab.timers, room: room))
        if let local = tab.localOnly {
            row(
                " " + pad(local.key, 12) + " " + (local.value?.display ?? "-") + " (local)",
                CellStyle(base.role, dim: true))
        }
        row(tab.pending.isEmpty ? "" : "pending " + tab.pending.joined(separator: ","), CellStyle(.warning))
    }

    /// `timeout ██████░░░ 2.5s ping ███░░ 0.6s`: the role's timer and the ping timer, each a shrinking
    /// bar and the seconds left. Where the pane is narrow the ping's seconds go first, then the
    /// role's: a bar keeps at least 2 cells while seconds show.
    static func timerRow(_ timers: [PaneTimer], room: Int) -> String {
        guard !timers.isEmpty else { return "" }
        let labels: [String] = timers.map { t in pad(t.kind.rawValue, timers.count > 1 && t.kind != .ping ? 7 : 4) }
        for shown in stride(from: timers.count, through: 0, by: -1) {
            let seconds = timers.enumerated().map { i, t in i < shown ? " " + padLeft(t.secondsLeft, 4) : "" }
            var fixed = timers.count - 1
            for (label, s) in zip(labels, seconds) { fixed += label.count + 1 + s.count }
            let width = (room - fixed) / timers.count
            guard width >= 2 || shown == 0 else { continue }
            var parts: [String] = []
            for ((label, timer), s) in zip(zip(labels, timers), seconds) {
                parts.append(label + " " + timer.bar(width: max(1, width)) + s)
            }
            return parts.joined(separator: " ")
        }
        return ""
    }

    /// `s` padded on the left to `n` columns (numbers line up on their right).
    static func padLeft(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
    }

    /// The first text that fits `room` columns as shown (escaped), or the last one (cut when drawn).
    static func fit(_ room: Int, _ texts: String...) -> String {
        texts.first { TerminalText.escaped($0).count <= room } ?? texts.last ?? ""
    }

    /// `s` as shown (escaped: a key may hold control characters), cut or padded to `n` columns.
    static func pad(_ s: String, _ n: Int) -> String {
        let s = TerminalText.escaped(s)
        return s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count)
    }
}
