/// Identifies a scheduled action so it can be cancelled.
public struct TimerToken: Hashable, Sendable {
    public let raw: Int
    public init(raw: Int) { self.raw = raw }
}

/// Runs the engine's timers: throttle, debounce, heartbeats, timeouts and message deliveries.
/// Injected so that no timer exists outside it: stopping a sync cancels all of its tokens,
/// and a virtual scheduler replays a run exactly.
public protocol SyncScheduler: AnyObject {
    /// Monotonic time, the time base of every timeout, interval, throttle window and liveness check:
    /// it never jumps, whatever the wall clock does, so setting the clock back or forward changes no
    /// timeout. Its origin is arbitrary; only differences mean something.
    var monotonicNow: MonotonicInstant { get }
    /// Runs `action` once, `delay` milliseconds from now (0: after the current work, never inline).
    @discardableResult
    func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken
    /// Cancels a scheduled action; cancelling one that already ran or was cancelled does nothing.
    func cancel(_ token: TimerToken)
    /// Schedules a message delivery (transports call this, not `schedule`): a scheduler that treats
    /// deliveries apart from timers, as a throttled background tab does, knows which is which.
    @discardableResult
    func scheduleDelivery(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken
}

extension SyncScheduler {
    /// By default a delivery is scheduled like any other action.
    @discardableResult
    public func scheduleDelivery(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        schedule(afterMs: delay, action)
    }
}
