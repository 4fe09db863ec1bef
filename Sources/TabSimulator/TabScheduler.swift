import Collections
import TabSync

/// One tab's view of the simulation's single virtual scheduler: how a tab is frozen, throttled in
/// the background, crashed, or given a skewed clock, without the engine knowing.
///
/// Every timer of the tab and every delivery to it (the hub calls the receiver's `scheduleDelivery`)
/// passes through here, and the tab's health (`liveness`) lives here and nowhere else, so:
/// - frozen: nothing runs, neither timers nor message handlers; what falls due is queued and runs in
///   order on thaw, like a browser's frozen tab (Page Lifecycle). The queue is bounded: a timer is
///   queued at most once (a periodic timer schedules its next run only when it runs, so it
///   coalesces), and at most `maxQueuedDeliveries` messages wait, the oldest dropped beyond that, as
///   a browser discards a frozen tab's backlog. A tab frozen for a day under load thaws to the
///   newest messages, not to gigabytes of old ones;
/// - background (`throttleMs > 0`): timers wait for the next multiple of `throttleMs`, like a hidden
///   tab's; deliveries are not delayed, as a hidden tab still receives its messages;
/// - crashed: nothing ever runs again, and nothing is said (no goodbye).
public final class TabScheduler: SyncScheduler, SyncClock, ActionRunner {
    /// A timer held back by throttling: kept so that a change of throttling (back to the
    /// foreground, or deeper into the background) moves it to where it belongs now.
    private struct Throttled {
        var baseToken: TimerToken
        /// When it was due before throttling.
        let dueMs: Milliseconds
        let action: () -> Void
    }

    /// The most messages a frozen tab keeps for its thaw; older ones are dropped.
    public static let maxQueuedDeliveries = 1000

    private let base: VirtualScheduler
    /// The tag of a delivery on the base scheduler (timers have 0).
    private static let deliveryTag = 1
    /// Added to the simulation's time when the tab reads its wall clock; its monotonic time (every
    /// timeout) stays the simulation's, as a real clock change moves a tab's wall clock only.
    public var clockSkewMs: Milliseconds = 0
    /// The tab's health, kept in this one place: every fault changes it through `freeze`, `thaw`,
    /// `crash` or `close`, and `SimTab.liveness` reads it.
    public private(set) var liveness: Liveness = .alive
    public var isFrozen: Bool { liveness == .frozen }
    public var isCrashed: Bool { liveness == .crashed }
    /// When above 0, timers wait for the next multiple of this (background-tab throttling).
    /// Changing it moves the timers already waiting: back in the foreground, an overdue timer runs at once.
    public var throttleMs: Milliseconds = 0 {
        didSet { if throttleMs != oldValue { rethrottle() } }
    }
    private var queued: Deque<(token: TimerToken, action: () -> Void, isDelivery: Bool)> = []
    /// Messages among `queued`.
    private var queuedDeliveries = 0
    /// Messages dropped from the full queue since the tab was last frozen.
    public private(set) var droppedSinceFreeze = 0
    private var cancelledWhileQueued: Set<TimerToken> = []
    /// Throttled timers by the token handed out for them (tokens with `ownTokenBit`, not the base's).
    private var throttled: [Int: Throttled] = [:]
    private var nextOwnToken = 0
    private static let ownTokenBit = 1 << 62

    init(base: VirtualScheduler) {
        self.base = base
    }

    /// The tab's wall clock: virtual time plus its skew.
    public var nowMs: Milliseconds { base.nowMs + clockSkewMs }
    public var wallNow: WallClockInstant { WallClockInstant(ms: nowMs) }
    public var monotonicNow: MonotonicInstant { MonotonicInstant(ms: base.nowMs) }

    @discardableResult
    public func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        let delay = max(0, delay)
        guard throttleMs > 0 else { return scheduleOnBase(afterMs: delay, action, isDelivery: false) }
        nextOwnToken += 1
        let token = TimerToken(raw: Self.ownTokenBit | nextOwnToken)
        let due = later(base.nowMs, by: delay)
        throttled[token.raw] = Throttled(baseToken: placeThrottled(token, dueMs: due), dueMs: due, action: action)
        return token
    }

    /// A message for the tab: never throttled (a hidden tab still receives its messages), but
    /// queued while frozen and dropped once crashed, like a timer.
    @discardableResult
    public func scheduleDelivery(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        scheduleOnBase(afterMs: max(0, delay), action, isDelivery: true)
    }

    public func cancel(_ token: TimerToken) {
        if token.raw & Self.ownTokenBit != 0 {
            if let entry = throttled.removeValue(forKey: token.raw) { base.cancel(entry.baseToken) }
        } else {
            base.cancel(token)
        }
        if !queued.isEmpty, queued.contains(where: { $0.token == token }) { cancelledWhileQueued.insert(token) }
    }

    /// Schedules on the base scheduler through this tab (`run(_:token:tag:)`): when it falls due
    /// the tab runs it, queues it (frozen) or drops it (crashed). The base holds this scheduler only
    /// while the action waits (a weak reference would put every retain of it on the runtime's slow
    /// path).
    private func scheduleOnBase(
        afterMs delay: Milliseconds, _ action: @escaping () -> Void,
        isDelivery: Bool
    ) -> TimerToken {
        base.schedule(afterMs: delay, action, through: self, tag: isDelivery ? Self.deliveryTag : 0)
    }

    /// The base scheduler hands over an action of this tab that fell due (`ActionRunner`).
    public func run(_ action: @escaping () -> Void, token: TimerToken, tag: Int) {
        fire(token, action, isDelivery: tag == Self.deliveryTag)
    }

    /// Places a throttled timer at the first multiple of `throttleMs` at or after its due time
    /// (and not in the past).
    private func placeThrottled(_ token: TimerToken, dueMs: Milliseconds) -> TimerToken {
        let at =
            throttleMs > 0 && dueMs < Milliseconds.max - throttleMs
            ? (dueMs + throttleMs - 1) / throttleMs * throttleMs : dueMs
        // Strong, as in `scheduleOnBase`: a weak self would slow every retain of the scheduler.
        return base.schedule(afterMs: max(0, at - base.nowMs)) { [self] in
            guard let entry = throttled.removeValue(forKey: token.raw) else { return }
            fire(token, entry.action, isDelivery: false)
        }
    }

    private func rethrottle() {
        for key in throttled.keys.sorted() {
            let entry = throttled[key]!
            base.cancel(entry.baseToken)
            throttled[key]!.baseToken = placeThrottled(TimerToken(raw: key), dueMs: entry.dueMs)
        }
    }

    private func fire(_ token: TimerToken, _ action: @escaping () -> Void, isDelivery: Bool) {
        guard !isCrashed else { return }
        guard isFrozen else { return action() }
        if isDelivery {
            if queuedDeliveries == Self.maxQueuedDeliveries, let oldest = queued.firstIndex(where: \.isDelivery) {
                queued.remove(at: oldest)  // near the front: only the few timers queued earlier come before it
                queuedDeliveries -= 1
                droppedSinceFreeze += 1
            }
            queuedDeliveries += 1
        }
        queued.append((token, action, isDelivery))
    }

    func freeze() {
        liveness = .frozen
        droppedSinceFreeze = 0
    }

    /// Runs, in order, everything that fell due while frozen (each at the current time). Work that
    /// is cancelled meanwhile, even by earlier work of the same thaw, does not run.
    func thaw() {
        liveness = .alive
        while !isCrashed, !isFrozen, let (token, action, isDelivery) = queued.popFirst() {
            if isDelivery { queuedDeliveries -= 1 }
            if cancelledWhileQueued.remove(token) != nil { continue }
            action()
        }
        if queued.isEmpty { cancelledWhileQueued.removeAll() }
    }

    /// Marks the tab stopped gracefully (its sync has said goodbye); what it left scheduled still
    /// runs, as before the close, and finds the sync stopped.
    func close() {
        liveness = .closed
    }

    func crash() {
        liveness = .crashed
        queued.removeAll()
        queuedDeliveries = 0
        cancelledWhileQueued.removeAll()
        for entry in throttled.values { base.cancel(entry.baseToken) }
        throttled.removeAll()
    }

    /// Work waiting for a thaw.
    public var queuedCount: Int { queued.count }
}
