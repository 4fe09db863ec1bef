/// Where the engine reads the wall clock: only for what goes on the wire (message timestamps, the
/// creation time that is a tab's election priority and id, write stamps). Injected so a test or the
/// simulator decides what "now" is. Durations are never measured on it: a wall clock jumps.
public protocol SyncClock: AnyObject {
    /// Wall-clock time (in an app, milliseconds since 1970).
    var wallNow: WallClockInstant { get }
}
