/// Milliseconds, the spec's unit of time. Virtual time in simulations, wall time in an app.
public typealias Milliseconds = Int

/// Where the engine reads the wall clock: only for what goes on the wire (message timestamps, the
/// creation time that is a tab's election priority and id, write stamps). Injected so a test or the
/// simulator decides what "now" is. Durations are never measured on it: a wall clock jumps.
public protocol SyncClock: AnyObject {
    /// Wall-clock time (in an app, milliseconds since 1970).
    var nowMs: Milliseconds { get }
}

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
    var monotonicNowMs: Milliseconds { get }
    /// Runs `action` once, `delay` milliseconds from now (0: after the current work, never inline).
    @discardableResult
    func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken
    /// Cancels a scheduled action; cancelling one that already ran or was cancelled does nothing.
    func cancel(_ token: TimerToken)
}

/// `time` plus `delay` (a negative delay counts as 0), saturating at the end of time instead of
/// trapping: a delay from a configuration or a caller can be anything.
@inlinable
public func later(_ time: Milliseconds, by delay: Milliseconds) -> Milliseconds {
    let (sum, overflow) = time.addingReportingOverflow(max(0, delay))
    return overflow ? .max : sum
}

/// Virtual time as the logs print it: seconds with milliseconds, right-aligned (`  12.345s`).
public func formatTime(_ ms: Milliseconds) -> String {
    let sign = ms < 0 ? "-" : ""
    let a = ms.magnitude
    let frac = String(a % 1000)
    let text = sign + String(a / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac + "s"
    return String(repeating: " ", count: max(0, 9 - text.count)) + text
}
