import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The fault keys of a lesson: a lossy network, a partition into two chosen groups, and dropping
/// the next message.
@Suite struct FaultKeyTests {
    /// `o` on a follower: its leader timeout fires now, it runs for election, and the live leader's
    /// answer makes it follow again in the same epoch. On the leader it says why it cannot.
    @Test func oTimesOutTheSelectedFollowerWhichFollowsTheLiveLeaderAgain() throws {
        let h = try Harness()
        h.run(ms: 5000)
        let leader = try #require(h.sim.leader)
        let epoch = leader.epoch
        let follower = try #require(h.sim.tabs.firstIndex { $0.role == .follower })
        h.send(.select(follower))
        h.send(.timeOutFollower)
        let name = h.sim.tabs[follower].name
        #expect(h.state.message == "\(name) timed out: it runs for election")
        #expect(h.sim.tabs[follower].role == .candidate)
        h.run(ms: 5000)
        #expect(h.sim.tabs[follower].role == .follower && h.sim.leader?.name == leader.name)
        #expect(h.sim.leader?.epoch == epoch)
        h.send(.select(h.sim.tabs.firstIndex { $0.name == leader.name }!))
        h.send(.timeOutFollower)
        #expect(h.state.message.contains("follows no leader (it is leader): only a follower times out"))
    }

    /// `H`: the fuzzer's calm from the keyboard, and the network the keys chose, without loss.
    @Test func hHealsEveryFaultAtOnce() throws {
        let h = try Harness()
        h.run(ms: 3000)
        h.send(.toggleTeachingNetwork)
        h.send(.toggleLossy)
        h.send(.select(0))
        h.send(.killTab)
        h.send(.select(1))
        h.send(.toggleFreeze)
        h.send(.select(2))
        h.send(.togglePartition)
        h.send(.healAll)
        #expect(h.state.message == "healed everything: the fuzzer's calm (heal: all)")
        #expect(h.sim.tabs.allSatisfy { $0.liveness == .alive && !h.sim.isPartitioned($0.name) })
        #expect(h.sim.options.network == .teaching && !h.state.lossy)
        h.run(ms: 15_000)
        #expect(h.sim.leaders.count == 1 && h.sim.convergence().converged)
    }

    @Test func lTogglesALossyNetworkOnTopOfTheTeachingOne() throws {
        let h = try Harness()
        h.send(.toggleLossy)
        #expect(h.sim.options.network.drop == 0.2)
        #expect(h.sim.options.network.latencyMs == h.session.scenario.options.network.latencyMs)
        h.send(.toggleTeachingNetwork)
        #expect(h.sim.options.network == NetworkConditions(latencyMs: 300...900, drop: 0.2))
        h.send(.toggleLossy)
        #expect(h.sim.options.network == .teaching)
    }

    @Test func lossyLosesMessages() throws {
        let h = try Harness()
        h.send(.toggleLossy)
        h.run(ms: 10_000)
        #expect(h.sim.log.events.contains { $0.line.hasPrefix("[Network] Lost") })
    }

    @Test func markedTabsSplitFromTheRestAndHealAgain() throws {
        let h = try Harness(tabs: 4)
        h.run(ms: 2000)
        h.send(.toggleMark)  // A
        h.send(.select(1))
        h.send(.toggleMark)  // B
        #expect(h.state.marked == ["A", "B"])
        #expect(h.panes.map(\.marked) == [true, true, false, false])
        #expect(h.screen.line(0).contains("[marked]"))
        h.send(.splitMarked)
        #expect(h.state.marked.isEmpty)
        #expect(h.state.message == "partition: A,B | C,D")
        #expect(h.sim.tabs.allSatisfy { h.sim.isPartitioned($0.name) })
        h.run(ms: 10_000)
        let leaders = Set(h.sim.leaders.map(\.name))
        #expect(leaders.count == 2)  // one on each side
        #expect(leaders.contains("A") || leaders.contains("B"))
        #expect(leaders.contains("C") || leaders.contains("D"))
        h.send(.splitMarked)
        #expect(h.state.message == "healed every partition")
        #expect(!h.sim.tabs.contains { h.sim.isPartitioned($0.name) })
        h.run(ms: 10_000)
        #expect(h.sim.leaders.count == 1)
    }

    @Test func splittingNeedsMarkedTabs() throws {
        let h = try Harness()
        h.send(.splitMarked)
        #expect(h.state.message.hasPrefix("mark some tabs with m first"))
        #expect(!h.sim.tabs.contains { h.sim.isPartitioned($0.name) })
    }

    @Test func dLosesExactlyTheNextMessageThenTheNetworkIsAsBefore() throws {
        let h = try Harness()
        h.run(ms: 2000)
        let before = h.sim.log.totalCount
        h.send(.dropNext)
        #expect(h.sim.options.network.drop == 1)
        h.run(ms: 3000)
        #expect(!h.state.dropNextArmed)
        #expect(h.sim.options.network == h.session.scenario.options.network)
        let after = h.sim.log.events.suffix(h.sim.log.totalCount - before)
        let lost = after.filter { $0.line.hasPrefix("[Network] Lost ") }
        // One message, to each of the two other tabs, at one instant, from one sender.
        #expect(lost.count == 2)
        #expect(Set(lost.map(\.timeMs)).count == 1)
        #expect(Set(lost.map(\.tab)).count == 1)
        // The status names exactly what was lost: one message, its type and sender, and every tab
        // it was lost to, as the log shows them (it used to name only the first receiver).
        let facts = lost.compactMap { e -> NetworkRouteFact? in if case .route(let r) = e.fact { r } else { nil } }
        let first = try #require(facts.first)
        #expect(facts.count == 2 && facts.allSatisfy { $0.type == first.type && $0.from == first.from })
        let type = try #require(first.type?.rawValue)
        #expect(
            h.state.message
                == "dropped 1 message: \(type) from \(first.from), lost to \(facts[0].to) and \(facts[1].to)")
        // Later messages arrive again.
        let lastLost = try #require(lost.last?.timeMs)
        #expect(after.contains { $0.kind == .received && $0.timeMs > lastLost })
    }
}

/// `DropReport` names every message `D` dropped, by type and sender, with each tab it was lost to.
@Suite struct DropReportTests {
    func lost(_ type: SyncMessageType?, _ from: String, _ to: String) -> NetworkRouteFact {
        NetworkRouteFact(outcome: .lost, type: type, from: from, to: to, reason: nil)
    }

    @Test func oneMessageToThreeTabs() {
        let text = DropReport.text([lost(.heartbeat, "A", "B"), lost(.heartbeat, "A", "C"), lost(.heartbeat, "A", "D")])
        #expect(text == "dropped 1 message: HEARTBEAT from A, lost to B, C and D")
    }

    @Test func twoMessagesOfTwoKindsAtOneInstant() {
        let text = DropReport.text([
            lost(.stateUpdate, "B", "A"), lost(.tabPing, "B", "A"), lost(.stateUpdate, "B", "C"),
            lost(.tabPing, "B", "C"), lost(nil, "C", "A"),
        ])
        #expect(
            text
                == "dropped 3 messages: STATE_UPDATE from B, lost to A and C; TAB_PING from B, lost to A and C; "
                + "frame from C, lost to A")
    }

    @Test func twoMessagesOfOneKindFromOneSender() {
        let text = DropReport.text([lost(.stateUpdate, "A", "B"), lost(.stateUpdate, "A", "B")])
        #expect(text == "dropped 2 messages: 2 × STATE_UPDATE from A, lost to B")
    }
}
