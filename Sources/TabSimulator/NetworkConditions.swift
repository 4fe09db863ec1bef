import TabSync

/// How the simulated channel treats each delivery: latency drawn uniformly from a range, and the
/// chances that a copy is dropped or duplicated. Different latencies reorder messages naturally.
public struct NetworkConditions: Sendable, Equatable {
    public var latencyMs: ClosedRange<Milliseconds>
    /// Probability in [0, 1] that a delivery is lost.
    public var drop: Double
    /// Probability in [0, 1] that a delivery arrives twice.
    public var duplicate: Double

    public init(latencyMs: ClosedRange<Milliseconds> = 1...5, drop: Double = 0, duplicate: Double = 0) {
        self.latencyMs = latencyMs
        self.drop = drop
        self.duplicate = duplicate
    }

    /// Why these conditions cannot be used, or nil.
    public var problem: String? {
        if latencyMs.lowerBound < 0 { return "latencyMs must not be negative" }
        if !(0...1).contains(drop) { return "drop must be between 0 and 1, got \(drop)" }
        if !(0...1).contains(duplicate) { return "duplicate must be between 0 and 1, got \(duplicate)" }
        return nil
    }

    /// The delays of the copies of one delivery: `[]` dropped, two entries duplicated.
    func delays(using random: inout SeededRandom) -> [Milliseconds] {
        if drop > 0, Double.random(in: 0..<1, using: &random) < drop { return [] }
        let first = Milliseconds.random(in: latencyMs, using: &random)
        if duplicate > 0, Double.random(in: 0..<1, using: &random) < duplicate {
            return [first, Milliseconds.random(in: latencyMs, using: &random)]
        }
        return [first]
    }
}
