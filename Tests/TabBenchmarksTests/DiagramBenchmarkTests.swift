import Testing
import TabBenchmarks

/// The diagram workload, once with one frame. (Tests never time anything.)
@Suite struct DiagramBenchmarkTests {
    @Test func theDiagramFigureIsProduced() throws {
        #expect(try DiagramBenchmark.measure(frames: 1).name == "ui.diagram_ms")
    }
}
