/// Wall time for benchmarks only: the engine and the simulator never read it.
public struct Stopwatch {
    private let start = ContinuousClock.now
    public init() {}
    public var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
