/// The engine's own checks of what must always hold, where it must hold (TigerBeetle's style): a
/// broken invariant stops the program where it breaks, not where a checker notices later.
///
/// On in debug builds; the fuzzers and the simulator's tests also turn them on in release builds
/// (`Invariants.enabled = true`). Off, each costs one load of a flag.
public enum Invariants {
    /// Whether `invariant` checks. Set once, before any sync runs (it is read on every check).
    nonisolated(unsafe) public static var enabled: Bool = _isDebugAssertConfiguration()
}

/// Stops the program with `message` when `condition` is false and invariants are on.
@inline(__always)
func invariant(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if Invariants.enabled, !condition() {
        preconditionFailure("invariant broken: \(message())", file: file, line: line)
    }
}
