import Testing
import TabBenchmarks

/// The benchmarks run once with tiny sizes, to prove the workloads work; tests never time anything.
@Suite struct FanoutBenchmarkTests {
    @Test(arguments: [2, 4, 8])
    func everyUpdateReachesEveryOtherTab(tabs: Int) throws {
        let applied = try FanoutBenchmark(tabs: tabs, updates: 50).run()
        #expect(applied == 50 * (tabs - 1))
    }
}
