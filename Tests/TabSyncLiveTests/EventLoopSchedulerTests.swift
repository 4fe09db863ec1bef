import Foundation
import NIOCore
import TabSync
import TabSyncLive
import Testing

@Suite struct EventLoopSchedulerTests {
    /// What the scheduler did, kept on the loop.
    final class Record {
        var ran: [String] = []
    }

    /// A loop thread with a scheduler and an empty record bound to it.
    func scheduledLoop() async throws -> (LoopThread, NIOLoopBound<(EventLoopScheduler, Record)>) {
        let thread = LoopThread()
        let loop = thread.loop
        let state = try await thread.run {
            NIOLoopBound((EventLoopScheduler(eventLoop: loop), Record()), eventLoop: loop)
        }
        return (thread, state)
    }

    @Test func runsTimersInDeadlineOrderAndNeverACancelledOne() async throws {
        let (thread, state) = try await scheduledLoop()
        try await thread.run {
            let (scheduler, record) = state.value
            scheduler.schedule(afterMs: 30) { record.ran.append("30") }
            scheduler.schedule(afterMs: 10) { record.ran.append("10") }
            let cancelled = scheduler.schedule(afterMs: 20) { record.ran.append("cancelled") }
            scheduler.schedule(afterMs: 20) { record.ran.append("20") }
            let cancelledNow = scheduler.schedule(afterMs: 0) { record.ran.append("cancelled-0") }
            scheduler.cancel(cancelled)
            scheduler.cancel(cancelledNow)
            #expect(scheduler.pendingCount == 3)
        }
        try await eventually("three timers") { try await thread.run { state.value.1.ran.count == 3 } }
        let ran = try await thread.run { state.value.1.ran }
        #expect(ran == ["10", "20", "30"])
        #expect(try await thread.run { state.value.0.pendingCount } == 0)
        try await thread.shutdown()
    }

    @Test func zeroDelayRunsAfterTheCurrentWorkNotInline() async throws {
        let (thread, state) = try await scheduledLoop()
        try await thread.run {
            let (scheduler, record) = state.value
            scheduler.schedule(afterMs: 0) { record.ran.append("later") }
            record.ran.append("now")
        }
        try await eventually("the queued action") { try await thread.run { state.value.1.ran.count == 2 } }
        #expect(try await thread.run { state.value.1.ran } == ["now", "later"])
        try await thread.shutdown()
    }

    @Test func monotonicTimeAdvancesAndWallTimeIsNearTheSystemClock() async throws {
        let thread = LoopThread()
        let loop = thread.loop
        let scheduler = try await thread.run { NIOLoopBound(EventLoopScheduler(eventLoop: loop), eventLoop: loop) }
        let first = try await thread.run { scheduler.value.monotonicNow }
        try await eventually("2 ms of monotonic time") {
            try await thread.run { scheduler.value.monotonicNow } >= first + 2
        }
        let system = Int(Date().timeIntervalSince1970 * 1000)
        #expect(abs(WallClock().wallNow.ms - system) < 1000)
        try await thread.shutdown()
    }
}
