import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The timeline line: the moment shown, the present while rewound, the lesson's steps, on a scale
/// a click can be turned back into a time with.
@Suite struct TimelineTests {
    /// The track alone (between the label and the end's label).
    func track(_ t: Timeline) -> [Character] {
        Array(t.line.dropFirst(Timeline.label.count).prefix(t.track.count))
    }

    @Test func atThePresentTheMomentShownIsAtTheEnd() {
        let t = Timeline(nowMs: 20_000, presentMs: 20_000, width: 80)
        #expect(t.line.count == 80)
        #expect(t.line.hasPrefix(" time ━━━"))
        #expect(t.line.hasSuffix("━● 20s "))
        #expect(!t.line.contains("┃") && !t.line.contains("─"))
        #expect(!t.isRewound)
    }

    @Test func rewoundShowsTheMomentAndThePresent() throws {
        let t = Timeline(nowMs: 5_000, presentMs: 20_000, width: 80)
        let cells = track(t)
        let now = try #require(cells.firstIndex(of: "●"))
        let present = try #require(cells.firstIndex(of: "┃"))
        #expect(now == t.column(of: 5_000) && present == cells.count - 1)
        #expect(cells[..<now].allSatisfy { $0 == "━" })
        #expect(cells[(now + 1)..<present].allSatisfy { $0 == "─" })
        #expect(now * 4 == present || abs(now * 4 - present) <= 2)  // a quarter of the way
    }

    @Test func aLessonsStepsAndPromptsAreMarkedAndItsFutureDashed() {
        let t = Timeline(
            nowMs: 3_000, presentMs: 3_000, stepsMs: [0, 5_000, 6_000, 8_000], promptsMs: [6_000], width: 100)
        let cells = track(t)
        #expect(t.endMs == 8_000)
        #expect(t.line.hasSuffix(" 8s "))
        #expect(cells[t.column(of: 5_000)] == "◦" && cells[t.column(of: 6_000)] == "◇")
        #expect(cells[t.column(of: 8_000)] == "◦")
        #expect(cells[t.column(of: 3_000)] == "●")
        #expect(cells[t.column(of: 3_000) + 1] == "┄")  // not played yet
        #expect(cells[0] == "◦")  // the step at 0, where nothing covers it (the moment is later)
    }

    @Test func columnsAndTimesRoundTrip() {
        for width in [60, 80, 160, 200] {
            let t = Timeline(nowMs: 1_000, presentMs: 123_456, width: width)
            for c in 0..<t.track.count { #expect(t.column(of: t.time(ofColumn: c)) == c) }
            #expect(t.time(ofColumn: 0) == 0 && t.time(ofColumn: t.track.count - 1) == 123_456)
            #expect(t.time(ofColumn: -5) == 0 && t.time(ofColumn: 10_000) == 123_456)
        }
    }

    @Test func fitsEveryWidthAndNeverTraps() {
        for width in 0...90 {
            let t = Timeline(nowMs: 700, presentMs: 3_000_000, stepsMs: [10, 4_000_000], promptsMs: [10], width: width)
            #expect(t.line.count <= width, "\(width): \(t.line)")
        }
        #expect(Timeline(nowMs: 0, presentMs: 0, width: 80).line.hasPrefix(" time ●┄┄"))  // at the start
    }

    @Test func secondsAreAbbreviatedNotCut() {
        #expect(Timeline.seconds(0) == "0s")
        #expect(Timeline.seconds(3_450) == "3.4s")
        #expect(Timeline.seconds(3_050) == "3s")
        #expect(Timeline.seconds(40_999) == "40s")
        #expect(Timeline.seconds(125_000) == "2m05s")
        #expect(Timeline.seconds(5_700_000) == "95m")
    }

    /// In the UI: the present the state keeps, and a lesson's steps from its scenario.
    @Test func theUIsTimelineFollowsRewindAndTheLesson() throws {
        let h = try Harness(
            scenario: try ScenarioParser.load(path: LessonUITests.files[1]), pausesAtPrompts: true, width: 120,
            height: 30)
        h.run(ms: 4_000)
        #expect(h.state.presentMs == 4_000)
        var t = Timeline(h.state, h.session)
        #expect(t.promptsMs == [6_000] && t.stepsMs.contains(8_000))
        h.send(.togglePause)
        h.send(.stepBack)
        h.send(.stepBack)
        #expect(h.state.presentMs == 4_000)
        t = Timeline(h.state, h.session)
        #expect(t.isRewound && t.line.contains("┃"))
        guard case .main(let main) = h.frame.content else {
            Issue.record("no main screen")
            return
        }
        #expect(main.timeline == t.line)
        #expect(h.screen.line(main.layout.timeline.y).hasPrefix(t.line))
    }

    /// `}` and `.` stop at the present: there the rewind ends, and the status says so (it said
    /// "rewound" past the present before).
    @Test func forwardStopsAtThePresentAndTheRewindEnds() throws {
        let h = try Harness()
        h.run(ms: 14_000)
        h.send(.togglePause)
        h.send(.jumpBack)
        #expect(h.session.isRewound && h.sim.nowMs == 4_000)
        h.send(.jumpForward)
        #expect(h.sim.nowMs == 14_000)
        #expect(!h.session.isRewound)
        #expect(h.state.message.hasSuffix("(the present)"))
        h.send(.jumpForward)  // at the present, paused: on into the future as before
        #expect(h.sim.nowMs == 24_000 && h.state.presentMs == 24_000)
        let events = h.sim.scheduler.executedCount
        h.send(.stepBack)
        #expect(h.session.isRewound)
        h.send(.stepOnce)
        #expect(!h.session.isRewound && h.sim.scheduler.executedCount == events)
        #expect(h.state.message.hasSuffix("(the present)"))
    }

    /// A click on the timeline (`.jump`) goes to that moment while paused, to the present at its end.
    @Test func jumpingToAMomentAndBack() throws {
        let h = try Harness()
        h.run(ms: 20_000)
        let world = h.sim.describeTabs()
        h.send(.jump(toMs: 5_000))
        #expect(h.state.message == "rewind works while paused (space)" && h.sim.nowMs == 20_000)
        h.send(.togglePause)
        h.send(.jump(toMs: 5_000))
        #expect(h.sim.nowMs == 5_000 && h.session.isRewound)
        let fresh = try Harness()
        fresh.run(ms: 5_000)
        #expect(h.sim.describeTabs() == fresh.sim.describeTabs())
        h.send(.jump(toMs: 12_000))
        #expect(h.sim.nowMs == 12_000 && h.session.isRewound)
        h.send(.jump(toMs: 99_000))
        #expect(h.sim.nowMs == 20_000 && !h.session.isRewound)
        #expect(h.sim.describeTabs() == world)
    }
}
