import Testing
import TabSimUI
import TabSimulator

/// Numbers on screen are abbreviated, never cut (issue 24): a cut `prio 1000` read `prio 100`.
@Suite struct CompactNumberTests {
    @Test func abbreviatesRoundingDown() {
        #expect(CompactNumber.text(0) == "0")
        #expect(CompactNumber.text(999) == "999")
        #expect(CompactNumber.text(1000) == "1.0k")
        #expect(CompactNumber.text(1999) == "1.9k")
        #expect(CompactNumber.text(20_500) == "20k")
        #expect(CompactNumber.text(3_400_000) == "3.4M")
        #expect(CompactNumber.text(-1500) == "-1.5k")
        #expect(CompactNumber.text(Int.min) == "-9223372T")
        #expect(CompactNumber.text(Int.max) == "9223372T")
    }

    /// A pane too narrow for `prio 20500` shows `prio 20k` or `p20k`, not the cut `prio 205`.
    @Test func aNarrowPaneAbbreviatesThePriority() {
        let tab = TabSnapshot(
            name: "A", tabId: "tab-1", role: .leader, epoch: 3, leaderName: "A", liveness: .alive,
            connected: 1, state: [:])
        var pane = PaneModel(tab, cells: [], selected: false)
        pane.priority = 20_500
        for width in 14...40 {
            var screen = ScreenBuffer(width: width, height: Layout.paneHeight)
            TabPane.draw(pane, in: Rect(x: 0, y: 0, width: width, height: Layout.paneHeight), on: &screen)
            let line = screen.text.split(separator: "\n", omittingEmptySubsequences: false)[1]
            let words = line.split(separator: " ").map(String.init)
            let shown =
                words.drop { $0 != "prio" }.dropFirst().first ?? words.first { $0.hasPrefix("p") && $0.count > 1 }
            #expect(shown == nil || ["20500", "20k", "p20k"].contains(shown!), "width \(width): \(line)")
        }
    }
}
