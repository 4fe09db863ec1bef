import TabSync

/// One tab's view of the simulation's single virtual scheduler: how a tab is frozen, throttled in
/// the background, crashed, or given a skewed clock, without the engine knowing.
///
/// Every timer of the tab and every delivery to it (the hub schedules deliveries on the receiver's
/// scheduler) passes through here, so:
/// - frozen: what falls due is queued, and runs in order on thaw, like a browser's frozen tab;
/// - background (`throttleMs > 0`): what falls due waits for the next multiple of `throttleMs`,
///   like a hidden tab whose timers are throttled;
/// - crashed: nothing ever runs again, and nothing is said (no goodbye).
public final class TabScheduler: SyncScheduler, SyncClock {
    private let base: VirtualScheduler
    /// Added to the simulation's time when the tab reads its clock.
    public var clockSkewMs: Milliseconds = 0
    public private(set) var isFrozen = false
    public private(set) var isCrashed = false
    /// When above 0, due work waits for the next multiple of this (background-tab throttling).
    public var throttleMs: Milliseconds = 0
    private var queued: [(token: TimerToken, action: () -> Void)] = []
    private var cancelledWhileQueued: Set<TimerToken> = []

    init(base: VirtualScheduler) {
        self.base = base
    }

    public var nowMs: Milliseconds { base.nowMs + clockSkewMs }

    @discardableResult
    public func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        var effective = max(0, delay)
        if throttleMs > 0 {
            let due = base.nowMs + effective
            let aligned = (due + throttleMs - 1) / throttleMs * throttleMs
            effective = aligned - base.nowMs
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
        if queued.contains(where: { $0.token == token }) { cancelledWhileQueued.insert(token) }
    }

    func freeze() { isFrozen = true }

    /// Runs, in order, everything that fell due while frozen (each at the current time).
    func thaw() {
        isFrozen = false
        let work = queued
        queued.removeAll()
        for (token, action) in work where !cancelledWhileQueued.contains(token) {
            guard !isCrashed, !isFrozen else { break }
            action()
        }
        cancelledWhileQueued.removeAll()
    }

    func crash() {
        isCrashed = true
        queued.removeAll()
    }

    /// Work waiting for a thaw.
    public var queuedCount: Int { queued.count }
}
