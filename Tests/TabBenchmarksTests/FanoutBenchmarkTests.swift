import TabSync
import Testing

@testable import TabBenchmarks

/// The benchmarks run once with tiny sizes, to prove the workloads work; tests never time anything.
@Suite struct FanoutBenchmarkTests {
    @Test(arguments: [2, 4, 8])
    func everyUpdateReachesEveryOtherTab(tabs: Int) throws {
        let applied = try FanoutBenchmark(tabs: tabs, updates: 50).run()
        #expect(applied == 50 * (tabs - 1))
    }

    @Test(arguments: [2, 8])
    func theDictionaryFloorWritesEveryUpdateIntoEveryOtherDocument(tabs: Int) {
        #expect(DictionaryFloorBenchmark(tabs: tabs, updates: 50).run() == 50 * (tabs - 1))
        #expect(
            DictionaryFloorBenchmark(tabs: tabs, updates: 3).measure(rounds: 1).name
                == "floor.tabs\(tabs).deliveries_per_s")
    }
}

@Suite struct SimulationBenchmarkTests {
    @Test func everyFigureIsProducedWithTinySizes() throws {
        let results = [
            try SimulationBenchmarks.speedup(simulatedSeconds: 5),
            SimulationBenchmarks.fuzzSeedsPerSecond(seeds: 2),
            try SimulationBenchmarks.frameMilliseconds(frames: 3),
            try SimulationBenchmarks.frameMilliseconds(tabs: 26, frames: 3),
            try SimulationBenchmarks.lessonFrameMilliseconds(width: 80, height: 24, frames: 3),
            try SimulationBenchmarks.recordedSessionBytes(minutes: 1),
            try SimulationBenchmarks.peakMemory(messages: 2000),
        ]
        #expect(
            results.map(\.name) == [
                "sim.speedup", "fuzz.seeds_per_s", "tui.frame_ms", "tui.frame_ms.26_tabs",
                "tui.lesson_frame_ms.80x24", "tui.recording_1min_kb", "log.peak_rss_mb",
            ])
        #expect(results.allSatisfy { $0.value > 0 })
        for r in results { #expect(BenchmarkResult(jsonLine: r.jsonLine) == r) }
    }
}

@Suite struct WireBenchmarkTests {
    @Test func theFrameMakesTheTripAndBothFiguresAreProduced() throws {
        let bytes = ChannelFrame.message(WireBenchmark.message).jsonBytes
        guard case .json(let json) = ChannelFrame.reading(bytes).frame else {
            Issue.record("the frame's bytes are not JSON")
            return
        }
        #expect(try SyncMessage(json: json) == WireBenchmark.message)
        let results = [WireBenchmark.encodeMicroseconds(frames: 10), WireBenchmark.parseMicroseconds(frames: 10)]
        #expect(results.map(\.name) == ["wire.encode_us", "wire.parse_us"])
        #expect(results.allSatisfy { $0.value > 0 })
    }
}
