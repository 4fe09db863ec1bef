#if canImport(Glibc)
    import Glibc
#endif
import TabSync

/// Wall time in milliseconds since 1970: what goes on the wire (message timestamps, write stamps,
/// the creation time that orders an election), because it is the one clock processes share.
/// Timeouts use the scheduler's monotonic clock instead.
public final class WallClock: SyncClock {
    public init() {}

    public var wallNow: WallClockInstant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return WallClockInstant(ms: Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000)
    }
}
