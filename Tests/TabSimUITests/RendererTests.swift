import Testing
import TabSync
@testable import TabSimUI

@Suite struct RendererTests {
    func app() throws -> AppState {
        let app = try AppState(options: UIOptions())
        app.simulation.advance(byMs: 2000)
        return app
    }

    @Test func frameShowsPanesLeaderLogStatusAndHints() throws {
        let screen = Renderer.render(try app(), width: 160, height: 48)
        let text = screen.text
        #expect(text.contains("> A  tab-"))
        #expect(text.components(separatedBy: "LEADER  epoch 1").count == 2)
        #expect(text.contains("follower of A"))
        #expect(text.contains("sessionToken"))
        #expect(text.contains("Traffic log  filter: all"))
        #expect(screen.line(46).contains("leader A (epoch 1)"))
        #expect(screen.line(46).contains("in sync"))
        #expect(screen.line(47).hasPrefix("1-9 select"))
    }

    @Test func paneColoursFollowTheTabsTheme() throws {
        let a = try app()
        a.apply(.select(1))
        a.apply(.cycleTheme)
        a.simulation.advance(byMs: 300)
        let screen = Renderer.render(a, width: 160, height: 48)
        let panes = Layout(width: 160, height: 48, tabCount: 3).panes
        for p in panes { #expect(screen.style(x: p.x + 2, y: p.y + 4).role == .paneDark) }
        try a.simulation.setConflictStrategy(.arrivalOrder)   // last-write-wins settles it now (versions)
        a.apply(.concurrentEdit)
        a.simulation.advance(byMs: 300)
        let diverged = Renderer.render(a, width: 160, height: 48)
        let roles = Set(panes.map { diverged.style(x: $0.x + 2, y: $0.y + 4).role })
        #expect(roles.count == 2)
        #expect(diverged.line(46).contains("DIVERGED: theme"))
    }

    @Test func tooSmallTerminalGetsAMessageNotGarbage() throws {
        let text = Renderer.render(try app(), width: 50, height: 12).text
        #expect(text.contains("Terminal too small: 50x12."))
        #expect(!text.contains("LEADER"))
    }

    @Test func helpListsEveryKey() throws {
        let a = try app()
        a.apply(.toggleHelp)
        let text = Renderer.render(a, width: 160, height: 48).text
        for (keys, _) in KeyMap.help { #expect(text.contains(keys)) }
    }

    @Test func eightTabsRenderAt200x60() throws {
        var o = UIOptions()
        o.tabs = 8
        let a = try AppState(options: o)
        a.simulation.advance(byMs: 3000)
        let screen = Renderer.render(a, width: 200, height: 60)
        #expect(screen.text.components(separatedBy: "LEADER").count == 2)
        for name in ["A", "B", "C", "D", "E", "F", "G", "H"] { #expect(screen.line(0).contains(" \(name)  tab-")) }
    }
}

@Suite struct KeyMapTests {
    let special = KeyMap.SpecialKeys(up: 259, down: 258, pageUp: 339, pageDown: 338, home: 262, end: 360, backTab: 353)

    @Test func everyIssueKeyIsMapped() {
        let expected: [(Character, UIAction)] = [
            ("1", .select(0)), ("9", .select(8)), ("\t", .selectNext), ("t", .cycleTheme), ("l", .cycleLocale),
            ("+", .fontBigger), ("-", .fontSmaller), ("x", .concurrentEdit), ("n", .newTab), ("c", .closeTab),
            ("k", .killTab), ("r", .reopenTab), ("f", .forceLeader), ("z", .toggleFreeze), ("p", .togglePartition),
            ("s", .cycleStrategy), (" ", .togglePause), (".", .stepOnce), (">", .faster), ("<", .slower),
            ("/", .cycleLogFilter), ("?", .toggleHelp), ("q", .quit),
        ]
        for (ch, action) in expected {
            #expect(KeyMap.action(for: Int32(ch.asciiValue!), special: special) == action, "key \(ch)")
        }
        #expect(KeyMap.action(for: 353, special: special) == .selectPrevious)
        #expect(KeyMap.action(for: 339, special: special) == .scrollUp(10))
        #expect(KeyMap.action(for: 360, special: special) == .follow)
        #expect(KeyMap.action(for: Int32(Character("w").asciiValue!), special: special) == nil)
    }
}
