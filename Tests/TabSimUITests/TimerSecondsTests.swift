import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// Timers show the seconds left beside their bars (issue 24), read from the engine's timers,
/// rounded up to a tenth as the bars round up their cells.
@Suite struct TimerSecondsTests {
    func timer(_ remaining: Int, of period: Int = 3000) -> PaneTimer {
        PaneTimer(.leaderTimeout, Countdown(remainingMs: remaining, periodMs: period))
    }

    @Test func secondsAreRoundedUpToATenthAndAbbreviatedPastTen() {
        #expect(timer(0).secondsLeft == "0.0s")
        #expect(timer(1).secondsLeft == "0.1s")
        #expect(timer(3400).secondsLeft == "3.4s")
        #expect(timer(3401).secondsLeft == "3.5s")
        #expect(timer(9_950).secondsLeft == "10s")
        #expect(timer(12_000).secondsLeft == "12s")
        #expect(timer(1_234_000).secondsLeft == "1.2ks")
    }

    /// Each pane's timer row names the seconds the engine's timers have left, at sampled instants
    /// and every pane width from 80 to 200 columns (the ping's seconds give way first where narrow).
    @Test(arguments: [80, 120, 160, 200])
    func theRowShowsTheEnginesSecondsLeft(width: Int) throws {
        let h = try Harness(tabs: 3, width: width, height: 30)
        for sample in 0..<12 {
            h.run(ms: 311 + 53 * (sample % 3))
            if sample == 5 { h.send(.killTab) }
            guard case .main(let main) = h.frame.content else { return }
            for (pane, rect) in zip(main.panes, main.layout.panes) where !pane.timers.isEmpty {
                let row = String(h.screen.line(rect.y + Layout.paneHeight - 3).dropFirst(rect.x).prefix(rect.width))
                let words = row.split(separator: " ").map(String.init)
                let seconds = words.filter { $0.hasSuffix("s") && Double($0.dropLast()) != nil }
                let expected = pane.timers.map(\.secondsLeft)
                #expect(!seconds.isEmpty, "t=\(h.sim.nowMs) \(pane.name): \(row)")
                #expect(Array(expected.prefix(seconds.count)) == seconds, "t=\(h.sim.nowMs) \(pane.name): \(row)")
                if width >= 160 { #expect(seconds.count == pane.timers.count, "\(row)") }
                #expect(row.contains("█") || row.contains("░"), "bars stay: \(row)")
            }
        }
    }

    /// Three tabs, the leader killed 2.5 s in: followers' timeouts running down, seconds beside the bars.
    func story(width: Int, height: Int) throws -> Harness {
        let h = try Harness(width: width, height: height)
        h.run(ms: 2500)
        h.send(.killTab)
        h.run(ms: 1700)
        return h
    }

    @Test func timerSecondsAt80x24() throws {
        try GoldenFrameTests().check("timer-seconds-80x24", try story(width: 80, height: 24).screen)
    }

    @Test func timerSecondsAt160x45() throws {
        try GoldenFrameTests().check("timer-seconds-160x45", try story(width: 160, height: 45).screen)
    }
}
