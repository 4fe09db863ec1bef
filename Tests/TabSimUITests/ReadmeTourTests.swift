import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The README's guided tour ("The terminal UI"), played key by key on the demo `tabsim` opens:
/// each step does what the README says it does. The keys go through the one key table, so a key
/// moved in the table and not in the README fails here.
@Suite struct ReadmeTourTests {
    /// The tour as the README words it: if the README changes, this test is to be read again.
    @Test func theReadmeStillDescribesThisTour() throws {
        let readme = try String(contentsOfFile: Self.packageRoot + "/README.md", encoding: .utf8)
        for step in [
            "**Kill the leader and watch.** Press `1` then `k`.",
            "**Make a concurrent edit.** Press `N` (the slow teaching network) and `x`",
            "**Freeze the leader.** Press `1`, `z`, wait for B to lead, then `z` again",
            "**Partition.** Press `3`, `p`",
        ] {
            #expect(readme.contains(step), "README tour step: \(step)")
        }
    }

    /// Kill the leader: B and C follow the dead A until its timeout, then B claims epoch 2; `r`
    /// reopens A as B's follower; `c` on the leader hands over within one message.
    @Test func killTheLeaderAndWatch() throws {
        let h = try Harness()
        h.run(ms: 5000)
        #expect(h.sim.leader?.name == "A")
        h.press("1", "k")
        #expect(h.tab("A").liveness == .crashed)
        h.run(ms: 2000)
        #expect(h.tab("B").role == .follower && h.tab("C").role == .follower, "still following A")
        h.run(ms: 3000)
        #expect(h.sim.leader?.name == "B" && h.sim.leader?.epoch == 2)
        let lines = h.sim.log.events.map(\.line)
        for word in ["heartbeat timeout", "LEADER_ELECTION", "LEADER_ANNOUNCE"] {
            #expect(lines.contains { $0.contains(word) }, "\(word) in the log")
        }
        h.press("r")
        h.run(ms: 3000)
        #expect(h.tab("A").liveness == .alive && h.tab("A").role == .follower)
        #expect(h.sim.leader?.name == "B")
        h.press("2", "c")
        h.run(ms: 20)  // one message's latency (1-5 ms here), far below any timeout
        let successor = try #require(h.sim.leader)
        #expect(successor.name != "B" && successor.epoch == 3)
    }

    /// `x` under the demo's last-write-wins, on the slow teaching network (`N`): the edits cross
    /// (`propagating`), then every tab holds one theme. Under arrival order the tabs swap values and the status bar says `DIVERGED`;
    /// under first-write-wins they converge on the earlier write.
    @Test func makeAConcurrentEditAndWatch() throws {
        let h = try Harness()
        h.run(ms: 3000)
        h.press("N", "x")
        h.run(ms: 100)  // the teaching network's links take 300-900 ms
        #expect(h.status.contains("propagating"), "status: \(h.status)")
        h.run(ms: 3000)
        #expect(h.sim.convergence().converged && !h.status.contains("DIVERGED"))
        h.switchStrategy(to: .arrivalOrder)
        h.press("x")
        h.run(ms: 3000)
        #expect(h.status.contains("DIVERGED") && h.status.contains("theme"), "status: \(h.status)")
        h.switchStrategy(to: .firstWriteWins)
        h.press("x")
        h.run(ms: 3000)
        #expect(!h.status.contains("DIVERGED"), "status: \(h.status)")
        let themes = Set(h.sim.tabs.map { $0.store["theme"] })
        #expect(themes.count == 1)
    }

    /// Freeze the leader A, B leads; thawed, A hears the newer epoch and steps down.
    @Test func freezeTheLeader() throws {
        let h = try Harness()
        h.run(ms: 5000)
        h.press("1", "z")
        #expect(h.tab("A").liveness == .frozen)
        h.run(ms: 6000)
        #expect(h.sim.leaders.map(\.name).contains("B"))
        h.press("z")
        h.run(ms: 2000)
        #expect(h.sim.leaders.map(\.name) == ["B"])
        #expect(h.sim.log.events.contains { $0.tab == "A" && $0.line.contains("newer epoch seen") })
    }

    /// Partition C: it elects itself (two leaders, two epochs); healed, the older epoch steps down.
    @Test func partition() throws {
        let h = try Harness()
        h.run(ms: 5000)
        h.press("3", "p")
        h.run(ms: 6000)
        let leaders = h.sim.leaders
        #expect(Set(leaders.map(\.name)) == ["A", "C"])
        #expect(Set(leaders.map(\.epoch)).count == 2)
        h.press("p")
        h.run(ms: 5000)
        #expect(h.sim.leaders.count == 1)
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
