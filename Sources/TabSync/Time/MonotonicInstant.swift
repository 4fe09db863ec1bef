/// A point on the monotonic clock: the time base of every timeout, interval, throttle window and
/// liveness check. It never jumps, whatever the wall clock does; its origin is arbitrary, so only
/// differences mean something, and it never goes on the wire.
///
/// A distinct type from `WallClockInstant` and from durations (`Milliseconds`), as swift-nio keeps
/// `NIODeadline` apart from `TimeAmount`: comparing a peer's last-seen time with the wall clock, or
/// storing a wire timestamp as a deadline, does not compile.
public struct MonotonicInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Milliseconds since the clock's origin.
    public let ms: Int

    @inlinable public init(ms: Int) { self.ms = ms }

    @inlinable public static func < (a: Self, b: Self) -> Bool { a.ms < b.ms }

    /// `instant` plus `duration` (a negative duration counts as 0), saturating at the end of time.
    @inlinable public static func + (instant: Self, duration: Milliseconds) -> Self {
        Self(ms: later(instant.ms, by: duration))
    }

    /// The time from `b` to `a`.
    @inlinable public static func - (a: Self, b: Self) -> Milliseconds {
        let (d, overflow) = a.ms.subtractingReportingOverflow(b.ms)
        return overflow ? (a.ms < b.ms ? .min : .max) : d
    }

    public var description: String { "\(ms) ms (monotonic)" }
}
