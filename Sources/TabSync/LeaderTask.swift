/// Work that runs only while this tab leads: the spec's leader-only polling pattern, without
/// the application having to watch `isLeader()`.
///
/// The work runs once as soon as the tab leads, then every `intervalMs`; it pauses when leadership
/// is lost and resumes when it comes back; it ends for good on `cancel()`. Stopping the sync
/// cancels its timers like every other timer of the instance.
public final class LeaderTask {
    let intervalMs: Milliseconds
    let work: () -> Void
    /// How many times the work has run.
    public private(set) var runCount = 0
    public private(set) var isCancelled = false
    var timer: TimerHandle?
    weak var owner: BroadcastSync?

    init(intervalMs: Milliseconds, work: @escaping () -> Void, owner: BroadcastSync) {
        self.intervalMs = intervalMs
        self.work = work
        self.owner = owner
    }

    public var isRunning: Bool { owner?.timers.isPending(timer) ?? false }

    public func cancel() {
        isCancelled = true
        owner?.timers.cancel(timer)
        timer = nil
        owner?.removeLeaderTask(self)
    }

    func resume(timers: TimerSet) {
        guard !isCancelled, !timers.isPending(timer) else { return }
        timer = timers.schedule(afterMs: 0) { [weak self] in self?.tick(timers: timers) }
    }

    func pause(timers: TimerSet) {
        timers.cancel(timer)
        timer = nil
    }

    private func tick(timers: TimerSet) {
        guard !isCancelled, owner?.isLeader() == true else { return }
        runCount += 1
        work()
        guard !isCancelled, owner?.isLeader() == true else { return }
        timer = timers.schedule(afterMs: intervalMs) { [weak self] in self?.tick(timers: timers) }
    }
}
