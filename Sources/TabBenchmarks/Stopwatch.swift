/// Wall time for benchmarks only: the engine and the simulator never read it.
public struct Stopwatch {
    private let start = ContinuousClock.now
    public init() {}
    public var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// The best of `rounds` runs of `run`, as items per wall second (`run` returns how many it did).
func bestRate(rounds: Int, _ run: () throws -> Int) rethrows -> Double {
    var best = 0.0
    for _ in 0..<max(1, rounds) {
        let watch = Stopwatch()
        let done = try run()
        best = max(best, Double(done) / max(watch.seconds, 1e-9))
    }
    return best
}
