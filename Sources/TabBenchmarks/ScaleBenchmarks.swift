#if canImport(Glibc)
    import Glibc
#endif
import TabSimulator
import TabSync

/// Many tabs on one channel (issue 26): what idle tabs cost once they have settled, and how long
/// and how much memory it takes for tabs opened at the same instant to reach one leader and one
/// state. The sizes are parameters so that the tests run the same workloads tiny.
public enum ScaleBenchmarks {
    /// A simulation of `tabs` tabs opened at the same instant, election on with 1 s heartbeats,
    /// latency 1-5 ms, the traffic kept out of the log.
    static func openedTogether(tabs: Int) throws -> Simulation {
        var config = BroadcastSyncConfig(channelName: "bench")
        config.syncKeys = ["theme", "n"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        let sim = try Simulation(
            options: SimulationOptions(
                seed: 1, config: config, network: NetworkConditions(latencyMs: 1...5), logCapacity: 100))
        sim.logsTraffic = false
        for i in 0..<tabs {
            try sim.open("T\(i)", state: ["theme": .string("t\(i % 7)"), "n": .number(Double(i))])
        }
        return sim
    }

    /// `tabs` idle tabs after `settleSeconds` of simulated time: deliveries per simulated second
    /// and simulated seconds per wall second, over `seconds` simulated seconds.
    public static func idle(tabs: Int = 800, settleSeconds: Int = 60, seconds: Int = 60) throws -> [BenchmarkResult] {
        let sim = try openedTogether(tabs: tabs)
        sim.advance(byMs: settleSeconds * 1000)
        let before = sim.hub.deliveredCount
        let watch = Stopwatch()
        sim.advance(byMs: seconds * 1000)
        let wall = watch.seconds
        let deliveries = Double(sim.hub.deliveredCount - before) / Double(seconds)
        return [
            BenchmarkResult(
                name: "idle.tabs\(tabs).deliveries_per_sim_s", value: deliveries.rounded(),
                unit: "deliveries per simulated s"),
            BenchmarkResult(
                name: "idle.tabs\(tabs).speedup", value: (Double(seconds) / wall * 10).rounded() / 10,
                unit: "simulated s per wall s"),
        ]
    }

    /// `tabs` tabs opened at the same instant until one leader and one state (checked every 100 ms
    /// of simulated time, at most `limitSeconds`): the wall time, and the process's peak resident
    /// memory then (a whole-process figure: run it alone with `--only` for a clean one).
    public static func join(tabs: Int = 800, limitSeconds: Int = 120) throws -> [BenchmarkResult] {
        let watch = Stopwatch()
        let sim = try openedTogether(tabs: tabs)
        var settled = false
        for _ in 0..<(limitSeconds * 10) {
            sim.advance(byMs: 100)
            if sim.leaders.count == 1, sim.convergence().converged {
                settled = true
                break
            }
        }
        let wall = watch.seconds
        precondition(settled, "\(tabs) tabs opened together did not settle in \(limitSeconds) simulated s")
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return [
            BenchmarkResult(name: "join.tabs\(tabs).wall_ms", value: (wall * 1000).rounded(), unit: "ms"),
            BenchmarkResult(
                name: "join.tabs\(tabs).peak_rss_mb", value: (Double(usage.ru_maxrss) / 1024 * 10).rounded() / 10,
                unit: "MB"),
        ]
    }
}
