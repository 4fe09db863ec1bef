import TabSync

/// The fault mix of one fuzz run. `Swarm.draw(seed:)` draws it from the run's seed (swarm testing,
/// as TigerBeetle's VOPR does): each run weighs edits and faults its own way, leaves some faults out
/// altogether, and picks its own pacing, latencies and loss, duplication and reordering rates, which
/// reaches states a fixed mix rarely does. `Swarm.fixed` is the one mix every run used to have
/// (`tabsim fuzz --fixed-mix`): with it, a seed runs exactly as before swarm fuzzing.
public struct Swarm: Sendable, Equatable, CustomStringConvertible {
    /// The faults the nemesis chooses among, in the order its roll walks them. With the edits
    /// (`set`), the tabs opened at the start (`open`) and the calm (`heal: all`), every action of
    /// the scenario vocabulary (`ScenarioVocabularyTests` holds it to the parser's table). The
    /// later ones came later: `fixed` leaves them out, so a fixed-mix seed runs as it always did.
    public enum Fault: String, CaseIterable, Sendable {
        case freeze, thaw, kill, close, reopen, partition, isolate, heal, forceLeader, background, clockSkew, network
        case rejoin, cut, restore, timeOut, requestState, broadcastState, inject, workload, stopWorkload
        case conflictStrategy, say, prompt
    }

    /// The weight of an edit among the nemesis's choices.
    public var editWeight: Int
    /// The weight of each fault, in `Fault.allCases` order; 0 leaves it out of the run.
    public var faultWeights: [Int]
    /// The time between two of the nemesis's steps.
    public var gapMs: ClosedRange<Milliseconds>
    /// A network fault's latency range starts within `latencyLowMs` and spans up to `latencySpreadMs` more.
    public var latencyLowMs: ClosedRange<Milliseconds>
    public var latencySpreadMs: ClosedRange<Milliseconds>
    /// The rates a network fault picks from.
    public var drops: [Double]
    public var duplicates: [Double]
    public var reorders: [Double]
    /// A clock skew is drawn within ± this.
    public var clockSkewMs: Milliseconds
    /// The throttles a background fault picks from (0: back to the foreground).
    public var throttlesMs: [Milliseconds]

    /// The mix before swarm fuzzing: edits 60 in 100, the faults' fixed shares, today's ranges.
    public static let fixed = Swarm(
        editWeight: 60, faultWeights: [6, 7, 4, 3, 6, 2, 1, 3, 2, 2, 2, 2] + Array(repeating: 0, count: 12),
        gapMs: 20...600,
        latencyLowMs: 0...20, latencySpreadMs: 0...40, drops: [0, 0.05, 0.2], duplicates: [0, 0.05],
        reorders: [0, 0.1], clockSkewMs: 500, throttlesMs: [0, 1000])

    /// The ranges `draw` draws from, for the record (`tabsim fuzz --help`, the README).
    public static let ranges = """
        edits 20-80; each fault off (1 in 4) or 1-10; gap 1-50 to +50-1000 ms; latency low 0-0..50 ms, \
        spread 0-0..200 ms; drop 0 or 0-0.5; duplicate 0 or 0-0.3; reorder 0 or 0-0.5; clock skew ±0-5000 ms; \
        background throttle 0 or 250/1000/5000/60000 ms
        """

    /// The mix of run `seed`, from a generator of its own (the run's own draws stay as they were).
    public static func draw(seed: UInt64) -> Swarm {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 0x5157)
        func rate(_ max: Int) -> Double { Double(Int.random(in: 0...max, using: &random)) / 100 }
        func weight() -> Int { Int.random(in: 0..<4, using: &random) == 0 ? 0 : Int.random(in: 1...10, using: &random) }
        let editWeight = Int.random(in: 20...80, using: &random)
        // The first twelve faults' weights first, then the rest of the run's draws, then the later
        // faults': a seed's mix keeps what it drew before they came.
        var faultWeights = (0..<12).map { _ in weight() }
        let gapLow = Milliseconds.random(in: 1...50, using: &random)
        let gapHigh = gapLow + Milliseconds.random(in: 50...1000, using: &random)
        let low = Milliseconds.random(in: 0...50, using: &random)
        let spread = Milliseconds.random(in: 0...200, using: &random)
        let drops = [0, rate(50)]
        let duplicates = [0, rate(30)]
        let reorders = [0, rate(50)]
        let clockSkewMs = Milliseconds.random(in: 0...5000, using: &random)
        let throttlesMs = [0, [250, 1000, 5000, 60_000].randomElement(using: &random)!]
        faultWeights += (12..<Fault.allCases.count).map { _ in weight() }
        return Swarm(
            editWeight: editWeight, faultWeights: faultWeights, gapMs: gapLow...gapHigh, latencyLowMs: 0...low,
            latencySpreadMs: 0...spread, drops: drops, duplicates: duplicates, reorders: reorders,
            clockSkewMs: clockSkewMs, throttlesMs: throttlesMs)
    }

    /// The sum of all weights: the nemesis rolls below it.
    public var totalWeight: Int { editWeight + faultWeights.reduce(0, +) }

    /// The fault a roll at or above `editWeight` picks (below it is an edit).
    func fault(forRoll roll: Int) -> Fault {
        var bound = editWeight
        for (fault, weight) in zip(Fault.allCases, faultWeights) {
            bound += weight
            if roll < bound { return fault }
        }
        return .network
    }

    /// One line: `edits 60, freeze 6, thaw 7, ..., gap 20-600 ms, latency 0-20 + 0-40 ms, ...`.
    public var description: String {
        func list(_ values: [some CustomStringConvertible]) -> String {
            values.map(\.description).joined(separator: "/")
        }
        let weights = zip(Fault.allCases, faultWeights).map { "\($0.rawValue) \($1)" }.joined(separator: ", ")
        return "edits \(editWeight), \(weights), gap \(gapMs.lowerBound)-\(gapMs.upperBound) ms, "
            + "latency \(latencyLowMs.lowerBound)-\(latencyLowMs.upperBound) + "
            + "\(latencySpreadMs.lowerBound)-\(latencySpreadMs.upperBound) ms, drop \(list(drops)), "
            + "duplicate \(list(duplicates)), reorder \(list(reorders)), skew ±\(clockSkewMs) ms, "
            + "throttle \(list(throttlesMs)) ms"
    }
}
