import Foundation
import TabSync
import Testing

@testable import TabSimulator

/// `holdsNarration` (what `tabsim learn` plays with): after an instant that says something, time
/// stands still until `answerPrompt()`. Holding changes when the learner reads, never what happens:
/// the world is the one a session without holds shows, event for event.
@Suite struct NarrationHoldTests {
    /// Plays `lesson` a quarter second at a time, answering each wait at once; returns the log's
    /// lines and how many narration holds there were.
    func play(_ lesson: Lesson, holds: Bool) throws -> (log: [String], holds: Int, results: [ExpectationResult]) {
        let session = try RewindableSession(scenario: lesson.scenario, pausesAtPrompts: true, holdsNarration: holds)
        var held = 0
        let end = lesson.scenario.steps.last?.atMs ?? 0
        for _ in 0..<4000 where !(session.player.isFinished && !session.player.isWaiting) {
            try session.advance(toMs: session.simulation.nowMs + 250)
            if session.isHoldingNarration {
                held += 1
                let now = session.simulation.nowMs
                let events = session.simulation.scheduler.executedCount
                try session.advance(toMs: now + 5000)  // time stands still while held
                #expect(session.simulation.nowMs == now && session.simulation.scheduler.executedCount == events)
                #expect(session.nextDueMs == nil)
            }
            if session.player.isWaiting { session.answerPrompt() }
        }
        try session.advance(toMs: end + 1000)
        return (
            session.simulation.log.events.map { formatTime($0.timeMs) + " " + $0.text }, held, session.player.results
        )
    }

    @Test func holdingNarrationChangesNothingThatHappens() throws {
        for lesson in try Lesson.builtIn() {
            let held = try play(lesson, holds: true)
            let free = try play(lesson, holds: false)
            #expect(held.holds >= 2, "\(lesson.title)")
            #expect(free.holds == 0)
            #expect(held.log == free.log, "\(lesson.title)")
            #expect(held.results == free.results, "\(lesson.title)")
        }
    }

    /// Every `say` of one instant is said before the hold, and the instant's other steps are done:
    /// lesson 1 says its first line and opens A at 0 ms, then waits.
    @Test func theHoldComesAfterTheInstantsSteps() throws {
        let lesson = try #require(try Lesson.builtIn().first)
        let session = try RewindableSession(scenario: lesson.scenario, pausesAtPrompts: true, holdsNarration: true)
        try session.advance(toMs: 1000)
        #expect(session.isHoldingNarration && session.simulation.nowMs == 0)
        #expect(session.simulation.tab(named: "A") != nil)
        #expect(session.waitingPrompt == nil)
        session.answerPrompt()
        #expect(!session.isHoldingNarration)
        try session.advance(toMs: 1000)
        #expect(session.simulation.nowMs == 1000)
    }
}
