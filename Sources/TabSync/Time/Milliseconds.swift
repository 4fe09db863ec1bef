/// A duration in milliseconds, the spec's unit (`throttleMs`, `leaderHeartbeatMs`...). Instants are
/// their own types: `MonotonicInstant` (timeouts) and `WallClockInstant` (what goes on the wire).
/// The simulator's virtual time, which is both clocks at once, is also counted in milliseconds.
public typealias Milliseconds = Int

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
