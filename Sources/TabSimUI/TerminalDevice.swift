/// What the UI loop needs from a terminal: its size, the next key, and a way to show a screen.
/// `Terminal` is the ncurses one; tests drive the whole loop with a fake.
public protocol TerminalDevice: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Waits up to `timeoutMs` for a key (nil: until one comes or the wait is interrupted).
    /// Returns nil on timeout, interruption or a resize (the loop then reads `size`).
    func readKey(timeoutMs: Int?) -> Key?
    func draw(_ screen: ScreenBuffer)
}

/// Monotonic wall time in milliseconds, injected so tests drive the loop's time.
public protocol UIClock: AnyObject {
    var nowMs: Double { get }
}

/// The real clock.
public final class SystemClock: UIClock {
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    public init() { start = clock.now }

    public var nowMs: Double {
        let d = start.duration(to: clock.now)
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
