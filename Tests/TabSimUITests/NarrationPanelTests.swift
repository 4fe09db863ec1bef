import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// `tabsim learn`'s narration: each `say` stays until space (time held meanwhile, and the screen
/// says so), every `say` of an instant shows, the panel scrolls and re-reads, a rewind shows the
/// narration of its moment, a waiting prompt reads `WAITING for KEY`, and `--auto` goes on alone.
@Suite struct NarrationPanelTests {
    /// Lesson `number` as `tabsim learn` plays it: prompts wait, narration is held.
    func lesson(_ number: Int, width: Int = 120, height: Int = 30) throws -> Harness {
        try Harness(
            scenario: try ScenarioParser.load(path: LessonUITests.files[number - 1]), pausesAtPrompts: true,
            holdsNarration: true, width: width, height: height)
    }

    func panel(_ h: Harness) -> NarrationPanel? {
        UIUpdate.narrationPanel(h.state, h.session)
    }

    /// The key the screen names for what the lesson waits for, pressed as the terminal would.
    func pressWhatTheScreenAsks(_ h: Harness) {
        if let prompt = h.session.waitingPrompt, let name = prompt.selectedTab,
            let i = h.sim.tabs.firstIndex(where: { $0.name == name })
        {
            h.send(.select(i))
        }
        let key =
            h.session.waitingPrompt.flatMap { KeyBinding.key(for: $0.action) } ?? KeyBinding.readOnKey
        if let action = KeyBinding.action(for: key, in: h.state) { h.send(action) }
    }

    /// Plays on, a quarter second at a time, pressing what the screen asks, until `done` holds
    /// (checked before each press, so a wait that is `done` stays waiting).
    func play(_ h: Harness, until done: () -> Bool) {
        for _ in 0..<800 where !done() {
            h.run(ms: 250)
            if !done(), h.session.waitingPrompt != nil || h.state.narrationHeld { pressWhatTheScreenAsks(h) }
        }
    }

    @Test func aSayStaysAndTimeIsHeldUntilSpace() throws {
        let h = try lesson(1)
        h.run(ms: 5000)
        // Lesson 1 says its first line at 0 ms and opens A at that instant: A is open, time stands still.
        #expect(h.sim.nowMs == 0)
        #expect(h.sim.tab(named: "A") != nil)
        let events = h.sim.scheduler.executedCount
        for _ in 0..<20 { h.run(ms: 1000) }
        #expect(h.sim.nowMs == 0 && h.sim.scheduler.executedCount == events)
        #expect(h.state.narrationHeld)
        #expect(h.status.contains("WAITING for space (read on)"), "\(h.status)")
        #expect(!h.status.contains("running"))
        let shown = try #require(panel(h))
        #expect(shown.heading.contains("WAITING for space (read on): time is held"), "\(shown.heading)")
        #expect(shown.body.first?.hasPrefix("» Three tabs share one channel.") == true)
        h.send(.stepOnce)  // nothing to step to: the screen says what the lesson waits for
        #expect(h.sim.nowMs == 0)
        #expect(KeyBinding.action(for: .char(" "), in: h.state) == .answerPrompt)
        h.send(.answerPrompt)
        #expect(!h.state.narrationHeld && !h.state.paused)
        h.run(ms: 2000)
        #expect(h.sim.nowMs == 2000)
        #expect(panel(h)?.body.first?.hasPrefix("» Three tabs share one channel.") == true)  // it stays
        h.run(ms: 2000)
        #expect(h.sim.nowMs == 3000)  // the next say, at 3 s, holds in its turn
        #expect(panel(h)?.body.first?.hasPrefix("» B and C ran for election too") == true)
    }

    /// Lesson 2 says two things at 8 s: both show, held together until one space.
    @Test func everySayOfAnInstantShowsAndIsHeldOnce() throws {
        let h = try lesson(2)
        for _ in 0..<200 where h.sim.nowMs < 8000 || !h.state.narrationHeld {
            h.run(ms: 100)
            if h.session.waitingPrompt != nil || h.state.narrationHeld, h.sim.nowMs < 8000 { pressWhatTheScreenAsks(h) }
        }
        #expect(h.sim.nowMs == 8000 && h.state.narrationHeld)
        let body = try #require(panel(h)).body.joined(separator: " ")
        #expect(body.hasPrefix("» B read the goodbye"), "\(body)")
        #expect(body.contains("» B sent only the one LEADER_ELECTION"), "\(body)")
        h.send(.answerPrompt)
        h.run(ms: 100)
        #expect(h.sim.nowMs > 8000)
    }

    /// A waiting prompt reads `WAITING for KEY (what)` with the key of the key table, in the status
    /// bar and the panel's heading.
    @Test func aWaitingPromptReadsWaitingForItsKey() throws {
        let h = try lesson(4)
        for _ in 0..<100 where h.session.waitingPrompt == nil {
            h.run(ms: 250)
            if h.state.narrationHeld { pressWhatTheScreenAsks(h) }
        }
        #expect(h.sim.nowMs == 6000)
        let key = try #require(KeyBinding.key(for: .freeze))
        #expect(key == .char("z"))
        #expect(h.status.contains("WAITING for z (freeze tab A)"), "\(h.status)")
        #expect(try #require(panel(h)).heading.contains("WAITING for z (freeze tab A): time is held"))
        h.send(.select(1))
        #expect(try #require(panel(h)).body.joined(separator: " ").contains("Select tab A (key 1), then press z"))
    }

    /// At 80x18 lesson 4's longest narration does not fit: `)` and `(` scroll it, within bounds; a
    /// new narration starts at its top.
    @Test func theLongNarrationScrolls() throws {
        let h = try lesson(4, width: 80, height: 18)
        play(h) { h.sim.nowMs == 15_000 && h.state.narrationHeld }
        #expect(h.sim.nowMs == 15_000)
        let before = try #require(panel(h))
        #expect(before.maxScroll > 0, "\(before.body)")
        #expect(before.heading.contains("( / ) lines 1-"), "\(before.heading)")
        #expect(KeyBinding.action(for: .char(")"), in: h.state) == .scrollNarration(1))
        #expect(KeyBinding.action(for: .char("("), in: h.state) == .scrollNarration(-1))
        h.send(.scrollNarration(1))
        let after = try #require(panel(h))
        #expect(after.scroll == 1 && after.lines[1] == before.body[1])
        for _ in 0..<20 { h.send(.scrollNarration(1)) }
        #expect(try #require(panel(h)).scroll == before.maxScroll)
        #expect(panel(h)?.lines.last == before.body.last)
        for _ in 0..<20 { h.send(.scrollNarration(-1)) }
        #expect(h.state.narrationScroll == 0)
        h.send(.scrollNarration(2))
        h.send(.answerPrompt)
        h.run(ms: 5000)  // the 18 s narration: from its top
        #expect(h.sim.nowMs == 18_000)
        #expect(h.state.narrationScroll == 0)
        #expect(panel(h)?.body.first?.hasPrefix("» B stays leader") == true)
    }

    /// `R` shows the last narration again, time paused; space goes on and closes it.
    @Test func theLastNarrationCanBeReadAgain() throws {
        let h = try lesson(1)
        h.run(ms: 100)
        h.send(.answerPrompt)
        h.run(ms: 1500)
        #expect(h.sim.nowMs == 1500 && !h.state.narrationHeld)
        let collapsed = try #require(panel(h))
        #expect(collapsed.heading.contains("R read again"), "\(collapsed.heading)")
        #expect(KeyBinding.action(for: .char("R"), in: h.state) == .rereadNarration)
        h.send(.rereadNarration)
        #expect(h.state.paused && h.state.narrationOpen)
        let open = try #require(panel(h))
        #expect(open.heading.contains("read again, time paused: space goes on"), "\(open.heading)")
        #expect(open.body.first?.hasPrefix("» Three tabs share one channel.") == true)
        h.run(ms: 1000)
        #expect(h.sim.nowMs == 1500)
        #expect(KeyBinding.action(for: .char(" "), in: h.state) == .togglePause)
        h.send(.togglePause)
        #expect(!h.state.paused && !h.state.narrationOpen)
        h.run(ms: 500)
        #expect(h.sim.nowMs == 2000)
    }

    /// After a rewind the panel shows the narration current at that moment; forward again, the later one.
    @Test func rewindReplaysNarration() throws {
        let h = try lesson(4)
        for _ in 0..<200 where !(h.sim.nowMs >= 18_000 && h.session.player.isFinished && !h.state.narrationHeld) {
            h.run(ms: 250)
            if h.session.waitingPrompt != nil || h.state.narrationHeld { pressWhatTheScreenAsks(h) }
        }
        h.run(ms: 2000)
        #expect(h.sim.nowMs == 20_000)
        #expect(panel(h)?.body.first?.hasPrefix("» B stays leader") == true)
        h.send(.togglePause)
        h.send(.jumpBack)  // 10 s
        #expect(h.sim.nowMs == 10_000)
        #expect(panel(h)?.body.first?.hasPrefix("» A is frozen") == true, "\(panel(h)?.body ?? [])")
        #expect(h.sim.tab(named: "A")?.liveness == .frozen)
        h.send(.jumpBack)  // 0 s: before anything was said but the start
        #expect(panel(h) == nil || panel(h)?.body.first?.hasPrefix("» A is frozen") == false)
        h.send(.jumpForward)
        h.send(.jumpForward)  // 20 s, every answer and read-on replayed where it was
        #expect(h.sim.nowMs == 20_000)
        #expect(panel(h)?.body.first?.hasPrefix("» B stays leader") == true)
        #expect(h.session.player.results.allSatisfy { $0.passed })
    }

    /// With `--auto` nothing is pressed: each wait lasts its reading time on the UI's clock, then the
    /// lesson goes on, and the whole lesson plays with every check passing.
    @Test func autoRunsTheLessonAfterAReadingDelay() throws {
        let h = try lesson(4)
        h.state.autoNarration = true
        h.run(ms: 6000)
        #expect(h.sim.nowMs == 6000)
        let reading = NarrationPanel.readingMs(h.session)
        #expect(reading >= 2000 && reading <= 20_000)
        h.run(ms: Int(reading) - 100)
        #expect(h.sim.nowMs == 6000 && h.session.waitingPrompt != nil)  // not yet read
        let heading = try #require(panel(h)).heading
        #expect(heading.contains("WAITING for z (freeze tab A): time is held (--auto: on in 1 s)"), "\(heading)")
        h.run(ms: 100)
        #expect(h.sim.tab(named: "A")?.liveness == .frozen)  // the lesson did what it asked
        for _ in 0..<400 where !NarrationPanel.isLessonOver(h.session) { h.run(ms: 250) }
        #expect(NarrationPanel.isLessonOver(h.session))
        let results = h.session.player.results
        #expect(results.count >= 10 && results.allSatisfy { $0.passed }, "\(results.map(\.text))")
        #expect(
            try #require(panel(h)).heading.contains("Lesson over: \(results.count) of \(results.count) checks passed"))
    }

    /// Every lesson, narration held, played by the keys the screen names: its checks all pass.
    @Test(arguments: LessonUITests.files)
    func everyLessonPlaysWithItsNarrationHeld(_ path: String) throws {
        let h = try Harness(scenario: try ScenarioParser.load(path: path), pausesAtPrompts: true, holdsNarration: true)
        var holds = 0
        for _ in 0..<4000 where !NarrationPanel.isLessonOver(h.session) {
            h.run(ms: 250)
            if h.state.narrationHeld { holds += 1 }
            if h.session.waitingPrompt != nil || h.state.narrationHeld { pressWhatTheScreenAsks(h) }
        }
        #expect(NarrationPanel.isLessonOver(h.session))
        #expect(holds >= 2)
        for r in h.session.player.results where !r.passed { Issue.record("\(path): \(r.text)") }
    }
}
