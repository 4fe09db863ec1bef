/// Work that runs only while this tab leads: the spec's leader-only polling pattern, without
/// the application having to watch `isLeader()`.
///
/// The work runs once as soon as the tab leads, then every `intervalMs`; it pauses when leadership
/// is lost and resumes when it comes back; it ends for good on `cancel()`. Stopping the sync
/// cancels its timers like every other timer of the instance.
///
/// The task knows its sync's timers, not the sync: the sync tells it when leadership starts and
/// ends, and drops cancelled tasks. (A reference back to the sync, even a weak one, would slow
/// every retain of the sync on the message path.)
public final class LeaderTask {
    let intervalMs: Milliseconds
    let work: () -> Void
    let timers: TimerSet
    /// How many times the work has run.
    public private(set) var runCount = 0
    public private(set) var isCancelled = false
    private var isLeading = false
    private var timer: TimerHandle?

    init(intervalMs: Milliseconds, work: @escaping () -> Void, timers: TimerSet) {
        self.intervalMs = intervalMs
        self.work = work
        self.timers = timers
    }

    /// True while the work is scheduled: the tab leads and the task is not cancelled.
    public var isRunning: Bool { timers.isPending(timer) }

    public func cancel() {
        isCancelled = true
        pause()
    }

    /// Leadership began (or the task was made while leading).
    func resume() {
        isLeading = true
        guard !isCancelled, !timers.isPending(timer) else { return }
        timer = timers.schedule(afterMs: 0) { [unowned self] in self.tick() }
    }

    /// Leadership ended, or the sync stopped.
    func pause() {
        isLeading = false
        timers.cancel(timer)
        timer = nil
    }

    private func tick() {
        guard !isCancelled, isLeading else { return }
        runCount += 1
        work()
        guard !isCancelled, isLeading else { return }
        timer = timers.schedule(afterMs: intervalMs) { [unowned self] in self.tick() }
    }
}
