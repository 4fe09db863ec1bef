/// The timers one sync instance owns. Every timer of the engine is scheduled through one of these,
/// so `stop()` can cancel all of them at once: nothing of a stopped tab fires later
/// (the reference left a zombie leader's heartbeat running: reference bug 4 in Documentation/ReferenceBugs.md).
final class TimerSet {
    let scheduler: any SyncScheduler
    /// The object whose timers these are (the sync), kept alive while one of its actions runs.
    /// Unowned: the owner cancels every timer when it goes, so no action runs after it.
    unowned(safe) var owner: AnyObject?
    private var live: [Int: TimerToken] = [:]
    private var nextId = 0

    init(scheduler: any SyncScheduler) {
        self.scheduler = scheduler
    }

    /// The scheduler's monotonic time, on which every timer falls due. Each handle records its due
    /// time on it, so a view can show the countdown of the real timer.
    var now: MonotonicInstant { scheduler.monotonicNow }

    /// A timer never outlives its set: that is what lets the engine's timer actions hold their
    /// owners unowned (weak references would slow every retain of those objects).
    deinit { cancelAll() }

    /// Number of timers scheduled and not yet fired or cancelled.
    var count: Int { live.count }

    /// False from `close()` to `open()`. A stopped sync schedules nothing, not even from code that
    /// carries on after a user callback stopped it (a heartbeat being sent, a role being reported).
    private(set) var isOpen = true

    func open() { isOpen = true }

    /// Cancels every timer and refuses new ones until `open()`.
    func close() {
        cancelAll()
        isOpen = false
    }

    /// Schedules `action`; the returned handle cancels it. While closed, schedules nothing and
    /// returns a handle that is never pending.
    @discardableResult
    func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerHandle {
        guard isOpen else { return TimerHandle(id: 0, due: MonotonicInstant(ms: 0), periodMs: 0) }
        nextId += 1
        let id = nextId
        let due = now + delay
        live[id] = scheduler.schedule(afterMs: delay) { [unowned self] in
            guard self.live.removeValue(forKey: id) != nil else { return }
            // The owner lives until the action returns, even if a callback on the way lets go of it.
            withExtendedLifetime(self.owner) { action() }
        }
        return TimerHandle(id: id, due: due, periodMs: max(0, delay))
    }

    func cancel(_ handle: TimerHandle?) {
        guard let handle, let token = live.removeValue(forKey: handle.id) else { return }
        scheduler.cancel(token)
    }

    func isPending(_ handle: TimerHandle?) -> Bool {
        guard let handle else { return false }
        return live[handle.id] != nil
    }

    /// What is left of a pending timer (0 when overdue, as a frozen tab's are), or nil when not pending.
    func countdown(_ handle: TimerHandle?) -> Countdown? {
        guard let handle, isPending(handle) else { return nil }
        return Countdown(remainingMs: max(0, handle.due - now), periodMs: handle.periodMs)
    }

    func cancelAll() {
        for token in live.values { scheduler.cancel(token) }
        live.removeAll()
    }
}

/// A timer owned by a `TimerSet`, with when it falls due (on the set's `now`) and its delay.
struct TimerHandle: Hashable {
    let id: Int
    let due: MonotonicInstant
    let periodMs: Milliseconds
}
