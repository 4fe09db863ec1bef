import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// `v` shows why a value won: each key's version and writer in the panes, and the log says when a
/// received value was kept or replaced, with both versions.
@Suite struct VersionToggleTests {
    @Test func vShowsEachKeysVersionAndWriterAndHidesThemAgain() throws {
        let h = try Harness(tabs: 3)
        h.run(ms: 1000)
        #expect(h.panes.allSatisfy { $0.cells.allSatisfy { $0.version == nil } })
        h.send(.select(1))
        h.send(.cycleTheme)  // B writes theme: every tab ends up holding B's write
        h.run(ms: 500)
        #expect(KeyBinding.action(for: .char("v"), in: h.state) == .toggleVersions)
        h.send(.toggleVersions)
        #expect(h.state.showVersions)
        let counter = try #require(h.sim.tabs[1].sync.keyVersions["theme"]).counter
        #expect(counter >= 1)
        for (pane, tab) in zip(h.panes, h.sim.tabs) {
            let theme = try #require(pane.cells.first { $0.key == "theme" })
            #expect(theme.version == "v\(counter) B")
            #expect(tab.sync.keyVersions["theme"]?.tabId == h.sim.tabs[1].tabId)
            let locale = try #require(pane.cells.first { $0.key == "locale" })
            let v = try #require(tab.sync.keyVersions["locale"])
            let writer = try #require(h.sim.tabs.first { $0.tabId == v.tabId }?.name)
            #expect(locale.version == "v\(v.counter) \(writer)")
        }
        #expect(h.screen.line(3).contains("theme      dark v\(counter) B"))
        h.send(.toggleVersions)
        #expect(!h.state.showVersions)
        #expect(!h.screen.line(3).contains(" v\(counter) B"))
    }

    @Test func theLogSaysWhichValueWasKeptOrReplacedWithBothVersions() throws {
        let h = try Harness(tabs: 3)
        h.run(ms: 2000)
        h.send(.concurrentEdit)
        h.run(ms: 200)
        let lines = h.sim.log.events.map(\.line)
        let decided = lines.filter { $0.contains("Kept theme=") || $0.contains("Replaced theme=") }
        #expect(decided.count >= 2)
        #expect(decided.allSatisfy { $0.contains("(v") && ($0.contains(" over v") || $0.contains(" with ")) })
    }
}
