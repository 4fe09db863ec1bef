import TabSync

/// How the simulated channel treats each delivery: latency drawn uniformly from a range, and the
/// chances that a copy is dropped, duplicated or held back. A latency range already reorders
/// messages now and then; `reorder` holds a copy back long enough that later messages overtake it.
public struct NetworkConditions: Sendable, Equatable {
    public var latencyMs: ClosedRange<Milliseconds>
    /// Probability in [0, 1] that a delivery is lost.
    public var drop: Double
    /// Probability in [0, 1] that a delivery arrives twice.
    public var duplicate: Double
    /// Probability in [0, 1] that a delivery is held back by up to `reorderDelayMs` more.
    public var reorder: Double

    public init(
        latencyMs: ClosedRange<Milliseconds> = 1...5, drop: Double = 0, duplicate: Double = 0, reorder: Double = 0
    ) {
        self.latencyMs = latencyMs
        self.drop = drop
        self.duplicate = duplicate
        self.reorder = reorder
    }

    /// The longest extra delay of a held-back copy: long enough to be overtaken, short next to the
    /// election timeout (250 ms), so reordering does not pass for a partition.
    public var reorderDelayMs: Milliseconds { 2 * latencyMs.upperBound + 20 }

    static let maxLatencyMs = 3_600_000

    /// Why these conditions cannot be used, or nil.
    public var problem: String? {
        if latencyMs.lowerBound < 0 { return "latencyMs must not be negative" }
        if latencyMs.upperBound > Self.maxLatencyMs {
            return "latencyMs must be at most \(Self.maxLatencyMs) (an hour)"
        }
        for (name, p) in [("drop", drop), ("duplicate", duplicate), ("reorder", reorder)] where !(0...1).contains(p) {
            return "\(name) must be between 0 and 1, got \(p)"
        }
        return nil
    }

    /// One line for the log: `latency 1-5 ms, drop 0.1, duplicate 0, reorder 0`.
    public var summary: String {
        let latency =
            latencyMs.lowerBound == latencyMs.upperBound
            ? "\(latencyMs.lowerBound)" : "\(latencyMs.lowerBound)-\(latencyMs.upperBound)"
        return "latency \(latency) ms, drop \(drop), duplicate \(duplicate), reorder \(reorder)"
    }

    /// What becomes of one delivery: lost, delivered once, or delivered twice, after these delays.
    enum Copies: Equatable {
        case lost
        case one(Milliseconds)
        case two(Milliseconds, Milliseconds)
    }

    /// The copies of one delivery, as a value (the hub's array is made, or shared, by the caller).
    /// Draws nothing for a probability of 0, so a reliable network consumes no randomness per extra knob.
    func copies(using random: inout SeededRandom) -> Copies {
        if drop > 0, Double.random(in: 0..<1, using: &random) < drop { return .lost }
        var first = Milliseconds.random(in: latencyMs, using: &random)
        if reorder > 0, Double.random(in: 0..<1, using: &random) < reorder {
            first += Milliseconds.random(in: 1...reorderDelayMs, using: &random)
        }
        if duplicate > 0, Double.random(in: 0..<1, using: &random) < duplicate {
            return .two(first, Milliseconds.random(in: latencyMs, using: &random))
        }
        return .one(first)
    }
}
