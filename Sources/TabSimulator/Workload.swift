import TabSync

/// Users editing at a steady rate: every running tab sets a random synced key to a random number,
/// on average `editsPerSecondPerTab` times per simulated second. The load under which the
/// simulator's speed is measured, and a scenario's way to say "busy tabs" in one line.
public struct Workload: Sendable, Equatable {
    public var editsPerSecondPerTab: Double
    /// Keys to edit (empty: the configuration's syncKeys, or `counter` when it has none).
    public var keys: [String]
    /// When the edits stop (nil: never).
    public var untilMs: Milliseconds?

    public init(editsPerSecondPerTab: Double, keys: [String] = [], untilMs: Milliseconds? = nil) {
        self.editsPerSecondPerTab = editsPerSecondPerTab
        self.keys = keys
        self.untilMs = untilMs
    }

    public var problem: String? {
        guard editsPerSecondPerTab > 0, editsPerSecondPerTab <= 1000, editsPerSecondPerTab.isFinite else {
            return "editsPerSecond must be above 0 and at most 1000"
        }
        return nil
    }

    /// The next gap between two edits of one tab: uniform around the mean, at least 1 ms.
    func nextGapMs(using random: inout SeededRandom) -> Milliseconds {
        let mean = 1000 / editsPerSecondPerTab
        return max(1, Milliseconds((Double.random(in: 0..<2, using: &random) * mean).rounded()))
    }
}
