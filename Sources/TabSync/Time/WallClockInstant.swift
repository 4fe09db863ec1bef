/// A point on the wall clock (in an app, milliseconds since 1970; in a simulation, the tab's view
/// of virtual time). Read only for what goes on the wire: message timestamps, a tab's creation
/// time (its election priority), the time part of versions. It can jump and differ between tabs,
/// so no timeout is ever measured on it; a received one is trusted only within a bound
/// (`BroadcastSyncConfig.maxClockOffsetMs`).
///
/// A distinct type from `MonotonicInstant` and from durations (`Milliseconds`): mixing the clocks
/// does not compile. On the wire it is a plain integer, as the spec's `timestamp` is. An integer
/// literal makes one (tests and fixed scenarios write times as numbers); a variable never does.
public struct WallClockInstant: Comparable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// Milliseconds since the clock's epoch.
    public let ms: Int

    @inlinable public init(ms: Int) { self.ms = ms }
    @inlinable public init(integerLiteral value: Int) { self.ms = value }

    @inlinable public static func < (a: Self, b: Self) -> Bool { a.ms < b.ms }

    /// `instant` moved by `duration`, held within `WireInteger.range` (what a frame can carry).
    @inlinable public static func + (instant: Self, duration: Milliseconds) -> Self {
        Self(ms: WireInteger.adding(instant.ms, duration))
    }

    /// The time from `b` to `a`.
    @inlinable public static func - (a: Self, b: Self) -> Milliseconds {
        let (d, overflow) = a.ms.subtractingReportingOverflow(b.ms)
        return overflow ? (a.ms < b.ms ? .min : .max) : d
    }

    public init(from decoder: any Decoder) throws {
        ms = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(ms)
    }

    public var description: String { String(ms) }
}
