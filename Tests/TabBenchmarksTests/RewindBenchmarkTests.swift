import Testing
import TabSimulator
import TabBenchmarks

/// The rewind workload, once with a short session: the jump lands where it should and coming back
/// gives the same world. (Tests never time anything.)
@Suite struct RewindBenchmarkTests {
    @Test func aJumpBackAndForthGivesTheSameWorld() throws {
        let session = try RewindBenchmark.session(minutes: 2)
        let end = session.simulation
        #expect(end.tabs.count == 8 && end.nowMs == 120_000)
        #expect(session.recording.entries.count == 10, "8 opens, the workload, one fault")
        try session.rewind(toMs: 110_000)
        #expect(session.simulation.nowMs == 110_000)
        try session.rewind(toMs: 120_000)
        #expect(session.simulation.snapshots == end.snapshots)
        #expect(session.simulation.log.events.map(\.text) == end.log.events.map(\.text))
        #expect(try RewindBenchmark.measure(rounds: 1, minutes: 1).name == "ui.rewind_ms")
        #expect(try RewindBenchmark.measure(rounds: 1, minutes: 1, fromStart: true).name == "ui.rewind_from_start_ms")
    }
}
