import Testing
import TabSync

@Suite struct SmokeTests {
    @Test func updateReachesOtherTab() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A")
        let b = try bench.tab(["theme": "light"], id: "B")
        bench.advance(600)
        a.store.setState(["theme": "dark"])
        bench.advance(10)
        #expect(b.store["theme"] == "dark")
        #expect(a.getConnectedTabs() == 1)
        #expect(b.getConnectedTabs() == 1)
    }

    @Test func electionEndsWithOneLeader() throws {
        let bench = Bench()
        let tabs = try (0..<3).map { i in
            try bench.tab(id: "T\(i)") { $0.enableLeaderElection = true; $0.leaderHeartbeatMs = 1000 }
        }
        bench.advance(5000)
        #expect(tabs.filter { $0.isLeader() }.count == 1)
        #expect(tabs[0].isLeader())
        tabs[0].stop()
        bench.advance(50)
        #expect(tabs.filter { $0.isLeader() }.count == 1)
        for line in bench.events.map({ "\($0.tab) \($0.event.debugText)" }).suffix(12) { print(line) }
    }
}
