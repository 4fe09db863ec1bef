import Testing
import TabSync

/// The countdowns of `BroadcastSync.countdowns` match what the engine's timers then do: sampled
/// after every event, each predicted instant is exactly when the timer's effect happens.
@Suite struct SyncTimersTests {
    func electing(_ bench: Bench, _ id: String) throws -> BroadcastSync {
        try bench.tab(id: id) {
            $0.enableLeaderElection = true
            $0.leaderHeartbeatMs = 1000
        }
    }

    /// Runs one event at a time up to `end`, calling `sample` before each event and at the end.
    func sampled(_ bench: Bench, untilMs end: Milliseconds, _ sample: () -> Void) {
        sample()
        while let due = bench.scheduler.nextDueMs, due <= end {
            if due > bench.scheduler.nowMs { bench.scheduler.advance(toMs: due - 1) }
            sample()
            bench.scheduler.step()
            sample()
        }
        bench.scheduler.advance(toMs: end)
    }

    /// Times (virtual) at which `tab` sent messages of `type`.
    func sendTimes(_ bench: Bench, _ tab: BroadcastSync, _ type: SyncMessageType) -> [Milliseconds] {
        bench.sent(type, by: tab).map(\.timestamp.ms)
    }

    @Test func heartbeatAndPingCountdownsEndWhenTheMessageIsSent() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        var heartbeatPredictions: [(at: Milliseconds, due: Milliseconds)] = []
        var pingPredictions: [(at: Milliseconds, due: Milliseconds)] = []
        sampled(bench, untilMs: 10_000) {
            let now = bench.scheduler.nowMs
            if let h = a.countdowns.heartbeat { heartbeatPredictions.append((now, now + h.remainingMs)) }
            if let p = b.countdowns.ping { pingPredictions.append((now, now + p.remainingMs)) }
        }
        #expect(a.isLeader())
        let heartbeats = sendTimes(bench, a, .heartbeat)
        let pings = sendTimes(bench, b, .tabPing)
        #expect(heartbeats.count >= 9 && pings.count >= 5)
        #expect(heartbeatPredictions.count > 20 && pingPredictions.count > 20)
        for p in heartbeatPredictions where p.due <= 10_000 {
            #expect(heartbeats.first { $0 >= p.at && ($0 > p.at || p.due == p.at) } == p.due, "sampled at \(p.at)")
        }
        for p in pingPredictions where p.due <= 10_000 {
            #expect(pings.first { $0 >= p.at && ($0 > p.at || p.due == p.at) } == p.due, "sampled at \(p.at)")
        }
        #expect(a.countdowns.heartbeat?.periodMs == 1000)
        #expect(b.countdowns.heartbeat == nil, "a follower has no heartbeat")
    }

    @Test func leaderTimeoutIsResetByHeartbeatsAndReachesZeroWhenTheElectionStarts() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        bench.advance(3000)
        #expect(a.isLeader() && b.role == .follower)
        // One ms after a heartbeat arrives (latency 1), the full timeout is left.
        let lastHeartbeat = try #require(sendTimes(bench, a, .heartbeat).last)
        let timeout = try #require(b.countdowns.leaderTimeout)
        #expect(timeout.periodMs == 3000)
        #expect(timeout.remainingMs == lastHeartbeat + 1 + 3000 - bench.scheduler.nowMs)
        #expect(a.countdowns.leaderTimeout == nil, "the leader has no leader timeout")

        bench.crash(a)
        let crashedAt = bench.scheduler.nowMs
        var predicted: Set<Milliseconds> = []
        var candidateAt: Milliseconds?
        sampled(bench, untilMs: crashedAt + 4000) {
            if let t = b.countdowns.leaderTimeout { predicted.insert(bench.scheduler.nowMs + t.remainingMs) }
            if candidateAt == nil, b.role == .candidate { candidateAt = bench.scheduler.nowMs }
        }
        let startedElection = try #require(candidateAt)
        #expect(predicted == [startedElection], "one deadline, kept until it fires")
        #expect(
            bench.events.contains {
                if case .roleChanged(let c) = $0.event, c.reason == .heartbeatTimeout { true } else { false }
            })
    }

    @Test func remainingReachesZeroExactlyWhenTheTimeoutFires() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let b = try electing(bench, "B")
        bench.advance(3000)
        bench.crash(a)
        let deadline = bench.scheduler.nowMs + (try #require(b.countdowns.leaderTimeout)).remainingMs
        bench.scheduler.advance(toMs: deadline - 1)
        #expect(b.countdowns.leaderTimeout?.remainingMs == 1)
        #expect(b.role == .follower)
        // Step until the role changes: the step that changed it ran at the deadline, and any
        // earlier step at that instant still saw 0 left.
        while b.role == .follower, bench.scheduler.nowMs <= deadline {
            if bench.scheduler.nowMs == deadline {
                #expect(b.countdowns.leaderTimeout?.remainingMs == 0)
            }
            bench.scheduler.step()
        }
        #expect(b.role == .candidate)
        #expect(bench.scheduler.nowMs == deadline)
    }

    @Test func candidateRoundEndsWhenItClaims() throws {
        let bench = Bench()
        let a = try electing(bench, "A")
        let round = try #require(a.countdowns.electionRound)
        #expect(a.role == .candidate)
        #expect(round == Countdown(remainingMs: 250, periodMs: 250))
        bench.scheduler.advance(toMs: 249)
        #expect(a.countdowns.electionRound?.remainingMs == 1 && a.role == .candidate)
        bench.scheduler.advance(toMs: 250)
        #expect(a.isLeader())
        #expect(a.countdowns.electionRound == nil)
        #expect(a.countdowns.heartbeat == Countdown(remainingMs: 1000, periodMs: 1000))
    }

    @Test func priorityIsTheCreationTimeAndAStoppedTabHasNoTimers() throws {
        let bench = Bench()
        bench.advance(1234)
        let a = try electing(bench, "A")
        #expect(a.countdowns.priority == 1234)
        #expect(a.countdowns.ping != nil)
        a.stop()
        #expect(a.countdowns == SyncTimers(priority: 1234))
    }
}
