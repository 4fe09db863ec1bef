import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// Rewind while paused: the world at an earlier moment is the world a fresh run reaches at that
/// moment, state for state and log line for log line; going on from there discards later history.
@Suite struct UIRewindTests {
    /// Keys at uneven times over 20 s: edits, a kill, a partition, a reopen.
    func play(_ h: Harness, untilMs end: Milliseconds) {
        let script: [(Milliseconds, [UIAction])] = [
            (1_500, [.select(1), .cycleTheme]), (4_200, [.concurrentEdit]), (6_000, [.select(0), .killTab]),
            (9_100, [.select(2), .togglePartition]), (12_300, [.select(2), .togglePartition]),
            (13_700, [.select(0), .reopenTab]), (16_000, [.select(1), .cycleLocale]), (18_400, [.newTab]),
        ]
        for (at, actions) in script where at <= end {
            h.run(ms: Int(at - h.sim.nowMs))
            for a in actions { h.send(a) }
        }
        if end > h.sim.nowMs { h.run(ms: Int(end - h.sim.nowMs)) }
    }

    /// The first line where two worlds differ, or nil.
    func difference(_ a: [String], _ b: [String]) -> String? {
        if let i = a.indices.first(where: { $0 < b.count && a[$0] != b[$0] }) {
            return "line \(i):\n\(a[i])\n\(b[i])"
        }
        return a.count == b.count ? nil : "lengths \(a.count) and \(b.count)"
    }

    /// Everything a learner can see of the world.
    func world(_ sim: Simulation) -> [String] {
        [sim.describeTabs(), "t=\(sim.nowMs) events=\(sim.scheduler.executedCount)"]
            + sim.snapshots.map { s in
                "\(s.name) \(s.condition) \(s.role) \(s.epoch) \(JSONValue.object(s.state)) \(s.pendingKeys) "
                    + "\(String(describing: s.countdowns)) "
                    + s.versions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
            + sim.flights.map { "\($0)" } + sim.log.events.map(\.text)
    }

    @Test func jumpingBackEqualsAFreshRunToThatTime() throws {
        let h = try Harness()
        play(h, untilMs: 20_000)
        h.send(.togglePause)
        h.send(.jumpBack)
        #expect(h.sim.nowMs == 10_000)
        #expect(h.session.isRewound)
        let fresh = try Harness()
        play(fresh, untilMs: 10_000)
        #expect(difference(world(h.sim), world(fresh.sim)) == nil)
        // The screen too, but for the timeline, the status and hint bars (rewound and paused here,
        // at the present and running there).
        let lines = { (x: Harness) in x.screen.text.split(separator: "\n").dropLast(3) }
        #expect(lines(h) == lines(fresh))
        h.send(.jumpBack)
        let fresher = try Harness()
        play(fresher, untilMs: 0)
        #expect(h.sim.nowMs == 0)
        #expect(difference(world(h.sim), world(fresher.sim)) == nil)
    }

    /// A jump back from a spare replay kept behind the present gives the same world as a fresh run.
    @Test func jumpingBackFromASpareEqualsAFreshRun() throws {
        let h = try Harness()
        h.session.spareLagsMs = [5_000, 12_000]
        play(h, untilMs: 20_000)
        try h.session.maintainSpares()
        #expect(h.session.spareTimesMs == [15_000, 8_000])
        h.send(.togglePause)
        h.send(.jumpBack)
        #expect(h.session.spareTimesMs == [15_000])  // the one at 8 s was used
        let fresh = try Harness()
        play(fresh, untilMs: 10_000)
        #expect(difference(world(h.sim), world(fresh.sim)) == nil)
        let events = h.sim.scheduler.executedCount
        try h.session.maintainSpares()  // one at 5 s, behind the rewound moment; the one ahead goes
        #expect(h.session.spareTimesMs == [5_000])
        h.send(.stepBack)  // from the spare at 5 s, not from the seed
        #expect(h.sim.scheduler.executedCount == events - 1)
        #expect(h.session.spareTimesMs.isEmpty)
        h.send(.jumpForward)
        h.send(.togglePause)  // going on from 20 s drops nothing
        #expect(h.sim.tabs.count == 4)
    }

    @Test func forwardAgainShowsTheSameLaterHistory() throws {
        let h = try Harness()
        play(h, untilMs: 20_000)
        h.send(.togglePause)
        let before = world(h.sim)
        h.send(.jumpBack)
        h.send(.jumpForward)
        #expect(h.sim.nowMs == 20_000)
        #expect(difference(world(h.sim), before) == nil)
        #expect(h.sim.tabs.count == 4)  // the tab opened at 18.4 s, replayed
    }

    @Test func backOneEventThenForwardOne() throws {
        let h = try Harness()
        play(h, untilMs: 7_000)
        h.send(.togglePause)
        h.send(.stepOnce)  // the world just after an event, where stepping forward ends again
        let events = h.sim.scheduler.executedCount
        let before = world(h.sim)
        var seen: [[String]] = []
        for i in 1...5 {
            h.send(.stepBack)
            #expect(h.sim.scheduler.executedCount == events - i)
            seen.append(world(h.sim))
        }
        #expect(Set(seen.map { $0.joined() }).count == 5)  // each step back shows another moment
        for i in (0..<5).reversed() {
            h.send(.stepOnce)
            #expect(h.sim.scheduler.executedCount == events - i)
            if i > 0 { #expect(difference(world(h.sim), seen[i - 1]) == nil) }
        }
        #expect(difference(world(h.sim), before) == nil)
    }

    @Test func rewindWaitsForPause() throws {
        let h = try Harness()
        h.run(ms: 3000)
        h.send(.jumpBack)
        #expect(h.state.message == "rewind works while paused (space)")
        #expect(h.sim.nowMs == 3000)
    }

    @Test func goingOnFromARewoundMomentDiscardsLaterHistory() throws {
        let h = try Harness()
        play(h, untilMs: 20_000)
        h.send(.togglePause)
        h.send(.jumpBack)  // 10 s: A was killed at 6 s, reopened at 13.7 s
        h.send(.togglePause)  // go on from here
        #expect(!h.session.isRewound)
        #expect(h.session.recording.entries.allSatisfy { $0.atMs <= 10_000 })
        h.run(ms: 10_000)
        #expect(h.sim.tab(named: "A")?.liveness == .crashed)  // the reopen was discarded
        #expect(h.sim.tabs.count == 3)
        // An action taken in the rewound past discards the later history too.
        h.send(.togglePause)
        h.send(.jumpBack)
        h.send(.select(1))
        h.send(.cycleTheme)
        #expect(h.session.recording.entries.last?.atMs == h.sim.nowMs)
        #expect(h.session.recording.entries.allSatisfy { $0.atMs <= h.sim.nowMs })
    }
}
