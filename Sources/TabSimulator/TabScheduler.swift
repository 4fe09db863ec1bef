import Collections
import TabSync

/// One tab's view of the simulation's single virtual scheduler: how a tab is frozen, throttled in
/// the background, crashed, or given a skewed clock, without the engine knowing.
///
/// Every timer of the tab and every delivery to it (the hub schedules deliveries on the receiver's
/// scheduler) passes through here, so:
/// - frozen: nothing runs, neither timers nor message handlers; what falls due is queued and runs in
///   order on thaw, like a browser's frozen tab (Page Lifecycle);
/// - background (`throttleMs > 0`): timers wait for the next multiple of `throttleMs`, like a hidden
///   tab's; deliveries are not delayed, as a hidden tab still receives its messages;
/// - crashed: nothing ever runs again, and nothing is said (no goodbye).
public final class TabScheduler: SyncScheduler, SyncClock {
    private let base: VirtualScheduler
    /// Added to the simulation's time when the tab reads its clock.
    public var clockSkewMs: Milliseconds = 0
    public private(set) var isFrozen = false
    public private(set) var isCrashed = false
    /// When above 0, timers wait for the next multiple of this (background-tab throttling).
    public var throttleMs: Milliseconds = 0
    /// How many of the next `schedule` calls are message deliveries, which throttling spares.
    /// Set by the simulation's delivery policy just before the hub schedules them.
    var upcomingDeliveries = 0
    private var queued: Deque<(token: TimerToken, action: () -> Void)> = []
    private var cancelledWhileQueued: Set<TimerToken> = []

    init(base: VirtualScheduler) {
        self.base = base
    }

    public var nowMs: Milliseconds { base.nowMs + clockSkewMs }

    @discardableResult
    public func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        var effective = max(0, delay)
        if upcomingDeliveries > 0 {
            upcomingDeliveries -= 1
        } else if throttleMs > 0 {
            let due = base.nowMs + effective
            effective = (due + throttleMs - 1) / throttleMs * throttleMs - base.nowMs
        }
        var token = TimerToken(raw: 0)
        token = base.schedule(afterMs: effective) { [weak self] in
            guard let self, !self.isCrashed else { return }
            if self.isFrozen {
                self.queued.append((token, action))
            } else {
                action()
            }
        }
        return token
    }

    public func cancel(_ token: TimerToken) {
        base.cancel(token)
        if !queued.isEmpty, queued.contains(where: { $0.token == token }) { cancelledWhileQueued.insert(token) }
    }

    func freeze() { isFrozen = true }

    /// Runs, in order, everything that fell due while frozen (each at the current time). Work that
    /// is cancelled meanwhile, even by earlier work of the same thaw, does not run.
    func thaw() {
        isFrozen = false
        while !isCrashed, !isFrozen, let (token, action) = queued.popFirst() {
            if cancelledWhileQueued.remove(token) != nil { continue }
            action()
        }
        if queued.isEmpty { cancelledWhileQueued.removeAll() }
    }

    func crash() {
        isCrashed = true
        queued.removeAll()
        cancelledWhileQueued.removeAll()
    }

    /// Work waiting for a thaw.
    public var queuedCount: Int { queued.count }
}
