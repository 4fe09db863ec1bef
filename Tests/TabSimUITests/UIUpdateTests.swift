import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The update function, action by action, with the whole `UIState` stated after each one.
@Suite struct UIUpdateTests {
    /// Sends `action` and expects the state to be the previous one changed by `change` (and the
    /// present moved with the simulation), nothing else.
    func expectStep(
        _ h: Harness, _ action: UIAction, sourceLocation: SourceLocation = #_sourceLocation,
        _ change: (inout UIState) -> Void
    ) {
        var expected = h.state
        change(&expected)
        h.send(action)
        // The present follows the simulation, but while rewound (`TimelineTests` and `UIRewindTests`
        // check when it does not).
        if !h.session.isRewound {
            expected.presentMs = h.sim.nowMs
            expected.presentEvents = h.sim.scheduler.executedCount
        }
        #expect(h.state == expected, sourceLocation: sourceLocation)
    }

    @Test func startsAt120x30WithThreeTabsAndOneLeader() throws {
        let h = try Harness()
        var expected = UIState()
        expected.width = 120
        expected.height = 30
        #expect(h.state == expected)
        expectStep(h, .tick(wallMs: 2000)) { _ in }  // whole milliseconds: nothing left pending
        #expect(h.sim.nowMs == 2000)
        #expect(h.panes.map(\.name) == ["A", "B", "C"])
        #expect(h.panes.filter { $0.role == .leader }.map(\.name) == ["A"])
        #expect(h.panes.filter { $0.role == .follower }.allSatisfy { $0.leaderName == "A" })
        #expect(h.panes[0].selected)
    }

    @Test func keysChangeTheStateAndTheSimulation() throws {
        let h = try Harness()
        h.run(ms: 2000)
        expectStep(h, .select(1)) { $0.selected = 1 }
        expectStep(h, .cycleTheme) { $0.message = "B: theme dark" }
        h.run(ms: 200)
        #expect(h.sim.tabs.map { $0.state["theme"] } == ["dark", "dark", "dark"])
        expectStep(h, .cycleLocale) { $0.message = "B: locale fr-FR" }
        expectStep(h, .fontBigger) { $0.message = "B: fontSize 15" }
        h.run(ms: 300)
        #expect(h.sim.tabs.allSatisfy { $0.state["locale"] == "fr-FR" && $0.state["fontSize"] == 15 })
        expectStep(h, .select(8)) { $0.message = "no tab 9" }
        expectStep(h, .selectNext) { $0.selected = 2 }
        expectStep(h, .selectNext) { $0.selected = 0 }
        expectStep(h, .selectPrevious) { $0.selected = 2 }
    }

    @Test func pauseSpeedAndStep() throws {
        let h = try Harness()
        h.run(ms: 1000)
        expectStep(h, .togglePause) {
            $0.paused = true
            $0.message = "paused: . steps to the next event, [ { } rewind"
        }
        let t = h.sim.nowMs
        expectStep(h, .tick(wallMs: 5000)) { _ in }
        #expect(h.sim.nowMs == t)
        let next = try #require(h.session.nextDueMs)
        expectStep(h, .stepOnce) { $0.message = "stepped to t=\(formatTime(next).drop { $0 == " " })" }
        #expect(h.sim.nowMs == next)
        #expect(h.sim.nextEventMs.map { $0 > next } ?? true)  // everything due at that instant ran
        expectStep(h, .togglePause) {
            $0.paused = false
            $0.message = "running"
        }
        expectStep(h, .faster) {
            $0.speedIndex = UIState.normalSpeedIndex + 1
            $0.message = "speed x2"
        }
        let before = h.sim.nowMs
        expectStep(h, .tick(wallMs: 10.25)) { $0.pendingVirtualMs = 0.5 }
        #expect(h.sim.nowMs == before + 20)
        expectStep(h, .slower) {
            $0.speedIndex = UIState.normalSpeedIndex
            $0.message = "speed x1"
        }
        expectStep(h, .stepOnce) { $0.message = "step works while paused (space)" }
    }

    @Test func killingTheLeaderElectsAnotherAndReopenRejoins() throws {
        let h = try Harness()
        h.run(ms: 2000)
        expectStep(h, .killTab) { $0.message = "killed A (no goodbye)" }
        #expect(h.panes[0].liveness == .crashed)
        #expect(h.panes[0].look == .crashed)
        h.run(ms: 5000)
        #expect(h.panes.filter { $0.role == .leader }.map(\.name) == ["B"])
        expectStep(h, .reopenTab) { $0.message = "reopened A" }
        h.run(ms: 1000)
        #expect(h.panes[0].liveness == .alive)
        #expect(h.panes[0].leaderName == "B")
        expectStep(h, .reopenTab) { $0.message = "tab A is alive; close or kill it first" }
    }

    @Test func freezePartitionForceCloseAndNew() throws {
        let h = try Harness()
        h.run(ms: 2000)
        h.send(.select(2))
        expectStep(h, .toggleFreeze) { $0.message = "froze C" }
        #expect(h.panes[2].liveness == .frozen)
        expectStep(h, .toggleFreeze) { $0.message = "thawed C" }
        expectStep(h, .togglePartition) { $0.message = "cut C off" }
        #expect(h.panes[2].liveness == .alive && h.panes[2].isPartitioned && h.panes[2].condition == "partitioned")
        expectStep(h, .togglePartition) { $0.message = "healed C" }
        #expect(h.panes[2].liveness == .alive)
        expectStep(h, .forceLeader) { $0.message = "C forced to lead" }
        h.run(ms: 100)
        #expect(h.panes.filter { $0.role == .leader }.map(\.name) == ["C"])
        expectStep(h, .closeTab) { $0.message = "closed C (it said goodbye)" }
        h.run(ms: 100)
        #expect(h.panes[2].look == .closed)
        expectStep(h, .newTab) {
            $0.selected = 3
            $0.message = "opened D"
        }
        #expect(h.panes.map(\.name) == ["A", "B", "C", "D"])
    }

    @Test func strategyCyclesThroughEveryStrategy() throws {
        let h = try Harness()
        h.run(ms: 500)
        var seen: [ConflictStrategy] = []
        for _ in ConflictStrategy.allCases {
            h.send(.cycleStrategy)
            let now = h.sim.options.config.conflictStrategy
            seen.append(now)
            #expect(h.sim.tabs.allSatisfy { $0.sync.config.conflictStrategy == now })
            #expect(h.state.message.hasPrefix("strategy \(now.rawValue)"))
        }
        #expect(Set(seen) == Set(ConflictStrategy.allCases))
        #expect(seen.last == .lastWriteWins)
    }

    @Test func concurrentEditAlwaysPicksTwoFreshValues() throws {
        let h = try Harness()
        h.run(ms: 2000)
        h.send(.concurrentEdit)
        #expect(h.state.message == "A set theme dark, B set theme system, at the same instant")
        h.run(ms: 500)
        // Whatever the tabs hold now, the next edit is new to both and different between them.
        for _ in 0..<6 {
            let a = h.sim.tabs[0].state["theme"]
            let b = h.sim.tabs[1].state["theme"]
            let before = h.sim.log.totalCount
            h.send(.concurrentEdit)
            let sets = h.sim.log.events.suffix(h.sim.log.totalCount - before).filter { $0.line.hasPrefix("[User] set") }
            #expect(sets.count == 2)
            let newA = h.sim.tabs[0].state["theme"]
            let newB = h.sim.tabs[1].state["theme"]
            #expect(newA != newB && newA != a && newA != b && newB != a && newB != b)
            h.run(ms: 500)
        }
    }

    @Test func divergedCellsAreMarkedInEveryPaneAndTheStatusNamesTheTabs() throws {
        let h = try Harness(strategy: .arrivalOrder)  // the strategy that can diverge (versions settle the others)
        h.run(ms: 2000)
        h.send(.concurrentEdit)
        h.run(ms: 500)
        for pane in h.panes {
            #expect(pane.cells.first { $0.key == "theme" }?.mark == .diverged)
            #expect(pane.cells.filter { $0.key != "theme" }.allSatisfy { $0.mark == .same })
        }
        #expect(h.status.contains("DIVERGED: A differs; theme: A=system B,C=dark"))
    }

    @Test func theTwentySeventhTabIsRefusedInTheStatusBar() throws {
        let h = try Harness(tabs: 25, width: 200, height: 60)
        h.run(ms: 1000)
        expectStep(h, .newTab) {
            $0.selected = 25
            $0.message = "opened Z"
        }
        expectStep(h, .newTab) { $0.message = "cannot open a 27th tab: at most 26 (A to Z)" }
        #expect(h.sim.tabs.count == 26)
        #expect(h.status.hasSuffix("| cannot open a 27th tab: at most 26 (A to Z)"))
    }

    @Test func logFilterAndScroll() throws {
        let h = try Harness()
        h.run(ms: 3000)
        expectStep(h, .cycleLogFilter) {
            $0.logFilter = .tab("A")
            $0.message = "log filter: tab A"
        }
        let rows = Layout(width: 120, height: 30, tabCount: 3).logRows
        #expect(Presenter.visibleLog(h.state, h.sim.log, count: rows).allSatisfy { $0.tab == "A" })
        expectStep(h, .cycleLogFilter) {
            $0.logFilter = .state
            $0.message = "log filter: state"
        }
        h.send(.cycleTheme)
        let stateLines = Presenter.visibleLog(h.state, h.sim.log, count: rows)
        #expect(stateLines.contains { $0.line.hasPrefix("[User] set") })  // users' edits show with the traffic
        h.send(.cycleLogFilter)
        h.send(.cycleLogFilter)
        h.send(.cycleLogFilter)
        #expect(h.state.logFilter == .all)
        let newest = Presenter.visibleLog(h.state, h.sim.log, count: rows)
        let total = h.sim.log.totalCount
        expectStep(h, .scrollUp(3)) {
            $0.logScroll = 3
            $0.logAnchor = total
        }
        let older = Presenter.visibleLog(h.state, h.sim.log, count: rows)
        #expect(older[3] == newest[0])
        h.run(ms: 2000)
        #expect(Presenter.visibleLog(h.state, h.sim.log, count: rows) == older)  // new lines do not move it
        let matching = h.sim.log.events.prefix(total).count
        expectStep(h, .scrollToTop) { $0.logScroll = matching - rows }
        #expect(Presenter.visibleLog(h.state, h.sim.log, count: rows).first == h.sim.log.events.first)
        expectStep(h, .scrollDown(1_000_000)) {
            $0.logScroll = 0
            $0.logAnchor = nil
        }
        expectStep(h, .scrollUp(2)) {
            $0.logScroll = 2
            $0.logAnchor = h.sim.log.totalCount
        }
        expectStep(h, .follow) {
            $0.logScroll = 0
            $0.logAnchor = nil
        }
        #expect(Presenter.visibleLog(h.state, h.sim.log, count: rows).last == h.sim.log.events.last)
    }

    @Test func helpOpensScrollsAndClosesWithEscOrQuestionMark() throws {
        let h = try Harness(width: 80, height: 24)
        expectStep(h, .toggleHelp) { $0.showHelp = true }
        let overlay = HelpOverlay(width: 80, height: 24, scroll: 0)
        #expect(overlay.maxScroll > 0)  // 80x24 is too short for every line: it scrolls
        expectStep(h, .scrollDown(1)) { $0.helpScroll = 1 }
        expectStep(h, .follow) { $0.helpScroll = overlay.maxScroll }
        expectStep(h, .scrollDown(5)) { _ in }
        expectStep(h, .scrollToTop) { $0.helpScroll = 0 }
        #expect(KeyBinding.action(for: .char("t"), in: h.state) == nil)  // keys do not act under help
        #expect(KeyBinding.action(for: .escape, in: h.state) == .closeOverlay)
        expectStep(h, .closeOverlay) { $0.showHelp = false }
        h.send(.toggleHelp)
        #expect(KeyBinding.action(for: .char("?"), in: h.state) == .toggleHelp)
        expectStep(h, .toggleHelp) { $0.showHelp = false }
    }

    @Test func tooSmallScreensLetOnlyQuitHelpAndResizeAct() throws {
        let h = try Harness()
        expectStep(h, .resize(width: 50, height: 12)) {
            $0.width = 50
            $0.height = 12
            $0.tooSmall = true
        }
        for key in "tlxnckrfzps.></w123".map(Key.char) + [.up, .down, .home, .end, .pageUp, .backTab] {
            #expect(KeyBinding.action(for: key, in: h.state) == nil, "key \(key.label)")
        }
        #expect(KeyBinding.action(for: .char("q"), in: h.state) == .quit)
        #expect(KeyBinding.action(for: .char("?"), in: h.state) == .toggleHelp)
        guard case .tooSmall(let lines) = h.frame.content else {
            Issue.record("not the too-small screen")
            return
        }
        #expect(lines.allSatisfy { $0.count <= 48 })
        #expect(lines.joined(separator: " ").contains("needs at least 60x17"))
        expectStep(h, .resize(width: 120, height: 30)) {
            $0.width = 120
            $0.height = 30
            $0.tooSmall = false
        }
    }

    @Test func saveWritesTheSessionAndRemembersThePath() throws {
        let h = try Harness()
        h.run(ms: 1000)
        h.send(.cycleTheme)
        expectStep(h, .save) {
            $0.recordPath = "tabsim-session-seed1.yaml"
            $0.message = "saved 4 actions to tabsim-session-seed1.yaml (replay: tabsim run tabsim-session-seed1.yaml)"
        }
        #expect(h.written["tabsim-session-seed1.yaml"]?.contains("set: {tab: \"A\", \"theme\": \"dark\"}") == true)
    }

    /// The update writes nothing itself: `w` returns the file as an effect, and only the edge's
    /// report of the write (`.wrote`, `.writeFailed`) becomes the message; `q` returns `.quit`.
    @Test func saveAndQuitAreEffectsTheUpdateOnlyReturns() throws {
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 3))
        var state = UIUpdate.update(UIState(), .resize(width: 120, height: 30), session).0
        state = UIUpdate.update(state, .tick(wallMs: 1000), session).0
        let (saved, effects) = UIUpdate.update(state, .save, session)
        guard case .write(let path, let contents, let actions) = effects.first, effects.count == 1 else {
            Issue.record("one write effect expected, got \(effects)")
            return
        }
        #expect(path == "tabsim-session-seed1.yaml" && saved.recordPath == path)
        #expect(!FileManager.default.fileExists(atPath: path), "the update wrote nothing")
        #expect(contents.contains("seed: 1") && actions == 3)
        #expect(saved.message == state.message, "nothing said before the edge reports")
        let failed = UIUpdate.update(saved, .writeFailed("cannot write x: Permission denied"), session)
        #expect(failed.0.message == "cannot write x: Permission denied" && failed.1.isEmpty)
        let quit = UIUpdate.update(saved, .quit, session)
        #expect(quit.1 == [.quit] && quit.0 == saved)
    }

    /// A frozen leader still believes it leads, but is not running: one leader, said in the singular.
    @Test func countsAreSaidInTheRightNumber() throws {
        let h = try Harness()
        h.run(ms: 2000)
        h.send(.toggleFreeze)
        #expect(h.status.contains("1 leader: A@1  "))
        #expect(Presenter.count(1, "event") == "1 event" && Presenter.count(2, "leader") == "2 leaders")
    }
}
