import TabSync

/// Frames each tab posts per simulated second, counted from a start (the calm after the faults,
/// `Simulation.transitionToLiveness()`): the busiest second of the busiest tab.
///
/// Why: safety and convergence say nothing about cost. Tabs that can never agree (a tab configured
/// differently from the others) or a reply that provokes a reply can leave every check green while
/// the channel carries hundreds of repair messages a second forever; once the faults stop, a tab's
/// traffic must settle to its timers' rate, and a bound on the busiest second says so.
public struct TrafficMeter: Sendable {
    /// When counting started (nil: not counting).
    public private(set) var sinceMs: Milliseconds?
    /// The most frames one tab posted within one second (counted from `sinceMs`), and which tab.
    public private(set) var maxPerSecond = 0
    public private(set) var busiestTab = ""
    private var current: [String: (second: Int, count: Int)] = [:]

    public init() {}

    /// Starts counting afresh at `now`.
    mutating func start(at now: Milliseconds) {
        sinceMs = now
        maxPerSecond = 0
        busiestTab = ""
        current = [:]
    }

    /// `tab` posted a frame at `now`.
    mutating func posted(by tab: String, at now: Milliseconds) {
        guard let sinceMs else { return }
        let second = (now - sinceMs) / 1000
        var entry = current[tab] ?? (second, 0)
        if entry.second != second { entry = (second, 0) }
        entry.count += 1
        current[tab] = entry
        if entry.count > maxPerSecond { (maxPerSecond, busiestTab) = (entry.count, tab) }
    }
}
