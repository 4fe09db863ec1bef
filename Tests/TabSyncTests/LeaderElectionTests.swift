import Testing
import TabSync

/// Election properties on the virtual clock (issue 3), with faults: crashes, freezes, partitions.
@Suite struct LeaderElectionTests {
    func electing(
        _ bench: Bench, _ id: String, scheduler: (any SyncScheduler)? = nil,
        heartbeat: Milliseconds = 1000
    ) throws -> BroadcastSync {
        try bench.tab(id: id, scheduler: scheduler) {
            $0.enableLeaderElection = true
            $0.leaderHeartbeatMs = heartbeat
        }
    }

    /// Steps the scheduler one event at a time, checking safety after each: at most one leader per
    /// epoch among tabs, and no tab's epoch ever decreasing.
    func runChecked(_ bench: Bench, _ tabs: [BroadcastSync], untilMs end: Milliseconds) {
        var lastEpoch: [String: Int] = [:]
        while let due = bench.scheduler.nextDueMs, due <= end {
            bench.scheduler.step()
            var claims: [Int: String] = [:]
            for t in tabs where t.isActive() {
                #expect(t.epoch >= lastEpoch[t.tabId, default: 0], "\(t.tabId) epoch went back")
                lastEpoch[t.tabId] = t.epoch
                guard t.isLeader() else { continue }
                #expect(t.leaderId == t.tabId)
                if let other = claims[t.epoch], !bench.silenced.contains(other), !bench.silenced.contains(t.tabId) {
                    // Two leaders of one term among tabs that hear each other: only while a claim is in flight.
                    #expect(
                        Bool(false), "\(other) and \(t.tabId) both lead epoch \(t.epoch) at \(bench.scheduler.nowMs)")
                }
                claims[t.epoch] = t.tabId
            }
        }
        bench.scheduler.advance(toMs: end)
    }

    /// "Time out this follower now": the follower runs for election at once; the live leader
    /// answers its LEADER_ELECTION and it follows again, in the same epoch. Only a follower of a
    /// known leader can time out.
    @Test func aFollowerTimedOutRunsAndFollowsTheLiveLeaderAgain() throws {
        let bench = Bench()
        let tabs = try (0..<3).map { try electing(bench, "T\($0)") }
        runChecked(bench, tabs, untilMs: 3000)
        let leader = try #require(tabs.first { $0.isLeader() })
        let follower = try #require(tabs.first { !$0.isLeader() })
        let epoch = leader.epoch
        #expect(!leader.expireLeaderTimeout())
        #expect(follower.expireLeaderTimeout())
        #expect(follower.role == .candidate)
        #expect(follower.countdowns.electionRound != nil && follower.countdowns.leaderTimeout == nil)
        runChecked(bench, tabs, untilMs: 6000)
        #expect(leader.isLeader() && leader.epoch == epoch)
        #expect(follower.role == .follower && follower.leaderId == leader.tabId && follower.epoch == epoch)
        follower.stop()
        #expect(!follower.expireLeaderTimeout())
    }

    @Test func safetyAndLivenessThroughCrashesAndRejoins() throws {
        let bench = Bench()
        var tabs = try (0..<5).map { try electing(bench, "T\($0)") }
        runChecked(bench, tabs, untilMs: 3000)
        #expect(tabs.filter { $0.isLeader() }.count == 1)
        for round in 0..<4 {
            let leader = try #require(tabs.first { $0.isLeader() && !bench.silenced.contains($0.tabId) })
            bench.crash(leader)
            tabs.append(try electing(bench, "N\(round)"))
            runChecked(bench, tabs, untilMs: bench.scheduler.nowMs + 3000 + 250 + 1000 + 100)
            let live = tabs.filter { !bench.silenced.contains($0.tabId) }
            #expect(live.filter { $0.isLeader() }.count == 1, "round \(round)")
            let leaderId = live.first { $0.isLeader() }?.tabId
            #expect(live.allSatisfy { $0.leaderId == leaderId })
        }
    }

    @Test func frozenLeaderWakesAndStepsDownForTheNewerEpoch() throws {
        let bench = Bench()
        let frozen = FreezableScheduler(base: bench.scheduler)
        let a = try electing(bench, "A", scheduler: frozen)
        let b = try electing(bench, "B")
        let c = try electing(bench, "C")
        bench.advance(2000)
        #expect(a.isLeader() && a.epoch == 1)
        frozen.frozen = true
        bench.advance(5000)
        #expect(b.isLeader() && b.epoch == 2)
        #expect(a.isLeader())  // frozen: it still believes it
        frozen.thaw()
        bench.advance(100)
        #expect(!a.isLeader())
        #expect(a.leaderId == "B" && a.epoch == 2)
        #expect(
            bench.events.contains { e in
                if case .roleChanged(let rc) = e.event, e.tab == "A", rc.reason == .newerEpochSeen {
                    return true
                } else {
                    return false
                }
            })
        #expect([a, b, c].filter { $0.isLeader() }.count == 1)
    }

    @Test func liveLeaderIsNotDisplacedByAnOlderTabThatComesBack() throws {
        let bench = Bench()
        let frozen = FreezableScheduler(base: bench.scheduler)
        let old = try electing(bench, "A-old", scheduler: frozen)
        let b = try electing(bench, "B")
        bench.advance(2000)
        frozen.frozen = true
        bench.advance(6000)
        #expect(b.isLeader())
        frozen.thaw()
        bench.advance(5000)
        #expect(b.isLeader())
        #expect(!old.isLeader())
        #expect(old.priority <= b.priority)
    }

    @Test func partitionGivesTwoLeadersInDifferentEpochsThenHealsToOne() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        let c = try electing(bench, "C")
        bench.advance(2000)
        // Cut A off from B and C.
        bench.hub.deliveryPolicy = { from, to, _ in (from == "A") != (to == "A") ? [] : [1] }
        bench.advance(5000)
        #expect(a.isLeader() && b.isLeader())
        #expect(a.epoch != b.epoch)
        bench.hub.deliveryPolicy = nil
        bench.advance(1500)
        #expect([a, b, c].filter { $0.isLeader() }.map(\.tabId) == ["B"])
        #expect(a.epoch == b.epoch)
    }

    @Test func forceLeaderTakesANewEpochAndTheOldLeaderStepsDown() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        bench.advance(2000)
        b.forceLeader()
        #expect(b.isLeader() && b.epoch == 2)
        bench.advance(5)
        #expect(!a.isLeader() && a.leaderId == "B")
        #expect(
            bench.events.contains { e in
                if case .roleChanged(let rc) = e.event, e.tab == "B", rc.reason == .forced {
                    return true
                } else {
                    return false
                }
            })
    }

    @Test func leaderTaskRunsOnlyWhileLeading() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        var runsA = 0
        var runsB = 0
        let taskA = a.whileLeader(everyMs: 100) { runsA += 1 }
        b.whileLeader(everyMs: 100) { runsB += 1 }
        bench.advance(1250)
        #expect(runsA >= 10 && runsB == 0)
        b.forceLeader()
        bench.advance(5)
        let frozenA = runsA
        bench.advance(1000)
        #expect(runsA == frozenA)  // lost leadership: paused
        #expect(runsB >= 10)
        a.forceLeader()
        bench.advance(300)
        #expect(runsA > frozenA)  // leads again: resumed
        a.stop()
        let stopped = runsA
        bench.advance(1000)
        #expect(runsA == stopped)
        #expect(!taskA.isRunning)
    }

    @Test func everyRoleChangeIsLoggedWithItsReason() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        bench.advance(2000)
        b.forceLeader()
        bench.advance(10)
        a.stop()
        bench.advance(10)
        let reasons = bench.events.compactMap { e -> RoleChangeReason? in
            if case .roleChanged(let rc) = e.event { return rc.reason } else { return nil }
        }
        #expect(reasons.contains(.started))
        #expect(reasons.contains(.elected))
        #expect(reasons.contains(.deferredToOlder) || reasons.contains(.leaderAnnounced))
        #expect(reasons.contains(.forced))
        #expect(reasons.contains(.newerEpochSeen))
        #expect(reasons.contains(.stopped))
        let lines = bench.events.map { $0.event.debugText }
        #expect(
            lines.contains {
                $0.hasPrefix("Role leader -> follower (epoch 2, leader ") && $0.hasSuffix("): newer epoch seen")
            })
    }

    @Test func failoverTimesAndTrafficAtDefaultSettings() throws {
        // Default heartbeat (5 s), latency 1 ms: measured, printed, bounded.
        func failover(crash: Bool) throws -> Milliseconds {
            let bench = Bench()
            let tabs = try (0..<3).map { i in try bench.tab(id: "T\(i)") { $0.enableLeaderElection = true } }
            bench.advance(20_000)
            #expect(tabs[0].isLeader())
            let start = bench.scheduler.nowMs
            if crash { bench.crash(tabs[0]) } else { tabs[0].stop() }
            while !(tabs[1].isLeader() || tabs[2].isLeader()) { bench.scheduler.step() }
            return bench.scheduler.nowMs - start
        }
        let graceful = try failover(crash: false)
        let crash = try failover(crash: true)
        print("failover at defaults: graceful close \(graceful) ms, crash \(crash) ms")
        #expect(graceful <= 5)
        #expect(crash <= 15_000 + 2 * 250 + 10)

        for n in [2, 4, 8] {
            let bench = Bench()
            let tabs = try (0..<n).map { i in try bench.tab(id: "T\(i)") { $0.enableLeaderElection = true } }
            bench.advance(30_000)
            let before = bench.allSent.count
            bench.advance(50_000)  // ten heartbeat periods
            let perPeriod = Double(bench.allSent.count - before) / 10
            print("steady state, \(n) tabs: \(perPeriod) messages per heartbeat period")
            #expect(perPeriod <= 1 + 3 * Double(n))
            withExtendedLifetime(tabs) {}
        }
    }
}

@Suite struct DeterminismTests {
    func session() throws -> [String] {
        let bench = Bench(latencyMs: 3)
        let tabs = try (0..<4).map { i in
            try bench.tab(["theme": "light", "n": 0], id: nil) {
                $0.enableLeaderElection = true
                $0.leaderHeartbeatMs = 500
            }
        }
        bench.advance(1000)
        for i in 0..<20 {
            try tabs[i % 4].store.setState(["theme": i % 2 == 0 ? "dark" : "light", "n": .number(Double(i))])
            bench.advance(37)
        }
        tabs[0].stop()
        bench.advance(3000)
        return bench.events.map { "\($0.event.debugText)" }
    }

    @Test func sameInputsSameLogByteForByte() throws {
        let first = try session()
        #expect(first.count > 200)
        #expect(try session() == first)
    }
}
