import Testing
import TabBenchmarks

/// The scale workloads run once with tiny sizes: they settle and produce their figures.
@Suite struct ScaleBenchmarkTests {
    @Test func idleTabsGiveDeliveriesAndSpeedup() throws {
        let results = try ScaleBenchmarks.idle(tabs: 6, settleSeconds: 5, seconds: 5)
        #expect(results.map(\.name) == ["idle.tabs6.deliveries_per_sim_s", "idle.tabs6.speedup"])
        #expect(results.allSatisfy { $0.value > 0 })
        for r in results { #expect(BenchmarkResult(jsonLine: r.jsonLine) == r) }
    }

    @Test func tabsOpenedTogetherSettleAndGiveWallTimeAndMemory() throws {
        let results = try ScaleBenchmarks.join(tabs: 6, limitSeconds: 10)
        #expect(results.map(\.name) == ["join.tabs6.wall_ms", "join.tabs6.peak_rss_mb"])
        #expect(results[1].value > 0)
        for r in results { #expect(BenchmarkResult(jsonLine: r.jsonLine) == r) }
    }
}
