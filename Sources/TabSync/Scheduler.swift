/// Milliseconds, the spec's unit of time. Virtual time in simulations, wall time in an app.
public typealias Milliseconds = Int

/// Where the engine reads the time. Injected so a test or the simulator decides what "now" is.
public protocol SyncClock: AnyObject {
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
    /// Runs `action` once, `delay` milliseconds from now (0: after the current work, never inline).
    @discardableResult
    func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken
    /// Cancels a scheduled action; cancelling one that already ran or was cancelled does nothing.
    func cancel(_ token: TimerToken)
}

/// Virtual time as the logs print it: seconds with milliseconds, right-aligned (`  12.345s`).
public func formatTime(_ ms: Milliseconds) -> String {
    let sign = ms < 0 ? "-" : ""
    let a = abs(ms)
    let frac = String(a % 1000)
    let text = sign + String(a / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac + "s"
    return String(repeating: " ", count: max(0, 9 - text.count)) + text
}
