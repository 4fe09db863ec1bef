/// Whether a simulated tab runs. A partition is not a liveness: a partitioned tab runs, it just
/// hears fewer tabs (see `Simulation.isPartitioned` and `TabSnapshot.condition`).
public enum Liveness: String, Sendable, CaseIterable {
    /// Running.
    case alive
    /// Runs nothing until thawed; what falls due meanwhile runs on thaw.
    case frozen
    /// Stopped gracefully (it said goodbye).
    case closed
    /// Gone without a word.
    case crashed

    /// Alive or frozen: the tab still exists and still believes what it believed.
    public var exists: Bool { self == .alive || self == .frozen }
}
