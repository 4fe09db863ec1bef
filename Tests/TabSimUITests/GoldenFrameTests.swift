import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// Whole screens at a fixed seed and size, compared in full with text fixtures in `Golden/`: the
/// characters, then every cell's style as a letter with a legend. Plain text rather than
/// swift-snapshot-testing: no extra dependency to build, fixtures that read and diff in review,
/// and the README's screenshot is copied from one of them. `TABSIM_RECORD_GOLDEN=1 swift test
/// --filter GoldenFrameTests` rewrites the fixtures after a deliberate change.
@Suite struct GoldenFrameTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The screen as the fixture holds it.
    static func fixture(_ screen: ScreenBuffer) -> String {
        var codes: [CellStyle: Character] = [:]
        var legend: [String] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var grid: [String] = []
        for y in 0..<screen.height {
            var row = ""
            for x in 0..<screen.width {
                let style = screen.style(x: x, y: y)
                if codes[style] == nil {
                    let code = codes.count < letters.count ? letters[codes.count] : "?"
                    codes[style] = code
                    let flags = [style.bold ? "bold" : nil, style.dim ? "dim" : nil, style.reverse ? "reverse" : nil]
                    legend.append("\(code) \(style.role)" + flags.compactMap { $0 }.map { " " + $0 }.joined())
                }
                row.append(codes[style] ?? "?")
            }
            grid.append(row)
        }
        let text = (0..<screen.height).map { screen.line($0) + "|" }
        return "\(screen.width)x\(screen.height)\n" + text.joined(separator: "\n") + "\n-- styles --\n"
            + grid.joined(separator: "\n") + "\n-- legend --\n" + legend.joined(separator: "\n") + "\n"
    }

    func check(_ name: String, _ screen: ScreenBuffer) throws {
        let url = Self.directory.appendingPathComponent(name + ".txt")
        let actual = Self.fixture(screen)
        if ProcessInfo.processInfo.environment["TABSIM_RECORD_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            Issue.record(
                """
                \(name): the frame differs from Golden/\(name).txt from line \(first + 1):
                expected: \(first < e.count ? String(e[first]) : "(end)")
                actual:   \(first < a.count ? String(a[first]) : "(end)")
                """)
        }
    }

    /// Three tabs after a theme change in B, a concurrent edit and a kill: leader, followers,
    /// diverged cells, a crashed pane, and the log.
    func story(width: Int, height: Int) throws -> Harness {
        let h = try Harness(width: width, height: height)
        h.run(ms: 2000)
        h.send(.select(1))
        h.send(.cycleTheme)
        h.run(ms: 1000)
        h.send(.select(2))
        h.send(.cycleTheme)
        h.run(ms: 500)
        h.send(.select(0))
        h.send(.concurrentEdit)
        h.run(ms: 500)
        return h
    }

    @Test func threeTabsAt120x30() throws {
        try check("three-tabs-120x30", try story(width: 120, height: 30).screen)
    }

    @Test func threeTabsAt80x24() throws {
        try check("three-tabs-80x24", try story(width: 80, height: 24).screen)
    }

    @Test func deadSystemAndPartitionedPanesAt120x30() throws {
        let h = try Harness(tabs: 4, width: 120, height: 30)
        h.run(ms: 2000)
        h.send(.cycleTheme)
        h.send(.cycleTheme)  // A: system, reaches all
        h.run(ms: 500)
        h.send(.select(1))
        h.send(.killTab)
        h.send(.select(2))
        h.send(.togglePartition)
        h.send(.select(3))
        h.send(.closeTab)
        h.run(ms: 4000)
        try check("faults-120x30", h.screen)
    }

    /// The sequence diagram in place of the log at a fixed seed: the teaching network, pings hidden,
    /// the leader killed, the election that follows, messages still in flight at the bottom.
    @Test func sequenceDiagramAt120x40() throws {
        let h = try Harness(width: 120, height: 40)
        h.send(.toggleTeachingNetwork)
        h.send(.togglePings)
        h.run(ms: 4000)
        h.send(.killTab)
        h.run(ms: 4300)
        h.send(.toggleDiagram)
        try check("diagram-120x40", h.screen)
    }

    @Test func helpAt80x24() throws {
        let h = try Harness(width: 80, height: 24)
        h.run(ms: 1000)
        h.send(.toggleHelp)
        try check("help-80x24", h.screen)
        h.send(.follow)
        try check("help-80x24-scrolled", h.screen)
    }

    @Test func helpAt160x45() throws {
        let h = try Harness(width: 160, height: 45)
        h.run(ms: 1000)
        h.send(.toggleHelp)
        try check("help-160x45", h.screen)
    }

    /// Lesson 2 after its prompt was answered, paused; a click on pane B, then a click on the
    /// timeline near 3 s: the moment shown, the present, the lesson's steps and its prompt marked,
    /// and the hint bar of a paused screen.
    func lessonRewoundByMouse(width: Int, height: Int) throws -> Harness {
        let h = try Harness(
            scenario: try ScenarioParser.load(path: LessonUITests.files[1]), pausesAtPrompts: true, width: width,
            height: height)
        h.run(ms: 6_000)
        h.send(.answerPrompt)
        h.run(ms: 1_500)
        h.send(.togglePause)
        let layout = Layout(width: width, height: height, tabCount: h.sim.tabs.count)
        let click = { (x: Int, y: Int) in
            if let action = MouseInput.action(for: MouseEvent(.press(button: 0), x: x, y: y), in: h.state, h.session) {
                h.send(action)
            }
        }
        click(layout.panes[1].x + 2, layout.panes[1].y + 3)
        let timeline = Timeline(h.state, h.session)
        click(timeline.track.x + timeline.column(of: 3_000), layout.timeline.y)
        return h
    }

    @Test func lessonRewoundByMouseAt80x24() throws {
        let h = try lessonRewoundByMouse(width: 80, height: 24)
        #expect(h.state.selected == 1 && h.session.isRewound)
        try check("lesson-rewound-80x24", h.screen)
    }

    @Test func lessonRewoundByMouseAt160x45() throws {
        let h = try lessonRewoundByMouse(width: 160, height: 45)
        #expect(h.state.selected == 1 && h.session.isRewound)
        try check("lesson-rewound-160x45", h.screen)
    }

    @Test func twentySixTabsAt200x60() throws {
        let h = try Harness(tabs: 26, width: 200, height: 60)
        h.run(ms: 3000)
        try check("twenty-six-tabs-200x60", h.screen)
    }

    /// A scenario whose tab name, `say:` line, key, value and injected frame carry ESC, BEL, OSC 52,
    /// 8-bit CSI and a bidi override: each is drawn as its escape, one cell per character shown, so
    /// the panes and the log keep their columns, and the terminal gets none of them.
    @Test func hostileTextAt120x30() throws {
        let yaml = #"""
            name: Hostile text
            seed: 3
            config: {channelName: x, throttleMs: 0}
            steps:
              - {at: 0ms, open: {tab: "A\e[31m", state: {theme: light}}}
              - {at: 10ms, open: {tab: B, state: {theme: light}}}
              - {at: 100ms, say: "\e]52;c;aGk=\a clipboard \x9b2J \u202Eevil"}
              - {at: 200ms, set: {tab: B, "k\ey": "\x9b31m\u202Ered", theme: "\e]0;x\a"}}
              - {at: 300ms, inject: {raw: '{"type":"TAB_PING","tabId":"\u001b[2J\u009b","timestamp":1}'}}
            """#
        let h = try Harness(scenario: try ScenarioParser.parse(yaml: yaml, file: "hostile.yaml"))
        h.run(ms: 500)
        let screen = h.screen
        #expect(!screen.chars.contains { $0.unicodeScalars.contains(where: TerminalText.isUnsafe) })
        // A's escaped value takes the cells it shows: B's pane, to its right, keeps its column.
        let rows = (0..<screen.height).map { Array(screen.line($0)) }
        func column(_ word: String, after text: String) -> Int? {
            guard let row = rows.first(where: { String($0).contains(text) }) else { return nil }
            return (1..<row.count).last { String(row[$0...]).hasPrefix(word) }
        }
        let valueColumn = column("theme", after: #"theme      \u{1b}]0;x\u{7}"#)
        #expect(valueColumn != nil && valueColumn == column("locale", after: "  locale     -"))
        try check("hostile-text-120x30", screen)
        h.send(.toggleDiagram)  // the sequence diagram places the same text by its length as shown
        #expect(h.screen.text.contains(#"set {"k\u001by":"\u{9b}31m\u{202e}red","theme":"#))
        #expect(!h.screen.chars.contains { $0.unicodeScalars.contains(where: TerminalText.isUnsafe) })
    }

    /// Lesson 4 as `tabsim learn 4` shows it, the keys pressed being the ones the screen names: the
    /// freeze prompt waiting (`WAITING for z (freeze tab A)` in the status bar and the narration
    /// panel), then time held on the 15 s narration (`WAITING for space`), scrolled by one line
    /// where it does not fit.
    func lessonFour(width: Int, height: Int) throws {
        let h = try Harness(
            scenario: try ScenarioParser.load(path: LessonUITests.files[3]), pausesAtPrompts: true,
            holdsNarration: true, width: width, height: height)
        func playUntil(answeringPrompts: Bool = true, _ done: () -> Bool) {
            for _ in 0..<400 where !done() {
                if h.state.narrationHeld || (answeringPrompts && h.session.waitingPrompt != nil) {
                    h.send(.answerPrompt)
                }
                if done() { return }
                h.run(ms: 250)
            }
        }
        playUntil(answeringPrompts: false) { h.session.waitingPrompt != nil }
        try check("lesson-waiting-\(width)x\(height)", h.screen)
        h.send(.answerPrompt)
        playUntil { h.sim.nowMs == 15_000 && h.state.narrationHeld }
        try check("lesson-narration-\(width)x\(height)", h.screen)
        h.send(.scrollNarration(1))
        if h.state.narrationScroll > 0 { try check("lesson-narration-scrolled-\(width)x\(height)", h.screen) }
    }

    @Test func lessonNarrationAndWaitingAt80x24() throws {
        try lessonFour(width: 80, height: 24)
    }

    /// Too short for the 15 s narration: the panel scrolls (`)`), its heading says which lines show.
    @Test func lessonNarrationScrolledAt80x18() throws {
        try lessonFour(width: 80, height: 18)
    }

    @Test func lessonNarrationAndWaitingAt160x45() throws {
        try lessonFour(width: 160, height: 45)
    }

    @Test func tooSmall() throws {
        let h = try Harness(width: 40, height: 10)
        try check("too-small-40x10", h.screen)
    }

    /// Pane looks differ from one another in their styles: the terminal maps each role to its own
    /// colours, and to its own attributes without colours (checked here on the roles' table).
    @Test func everyPaneLookHasItsOwnRole() throws {
        let looks: [PaneLook] = [.light, .dark, .system, .highContrast, .closed, .crashed]
        var roles: Set<ColorRole> = []
        for look in looks {
            let tab = TabSnapshot(
                name: "A", tabId: "tab-1", role: .follower, epoch: 1, leaderName: "B", liveness: .alive,
                connected: 1, state: [:])
            var pane = PaneModel(tab, cells: [], selected: false)
            pane.look = look
            var screen = ScreenBuffer(width: 30, height: Layout.paneHeight)
            TabPane.draw(pane, in: Rect(x: 0, y: 0, width: 30, height: Layout.paneHeight), on: &screen)
            roles.insert(screen.style(x: 20, y: 5).role)
        }
        #expect(roles.count == looks.count)
        let attributes = Set(roles.map { Terminal.monochromeAttributes(for: CellStyle($0)) })
        #expect(attributes.count == looks.count)
    }
}
