import Testing

@testable import TabSync

/// The engine checks its invariants where they must hold (TigerBeetle's style): on in debug builds,
/// which these tests are, and in every fuzz run.
@Suite struct InvariantTests {
    @Test func aBrokenInvariantStopsTheProgramWhereItBreaks() async {
        #expect(Invariants.enabled)
        await #expect(processExitsWith: .failure) {
            invariant(1 + 1 == 3, "arithmetic")
        }
    }

    /// Every local write orders after what it replaces, whatever the clocks and counters: the
    /// invariant `KeyVersion.write` checks, exercised at its edges (a time behind, the counter's cap).
    @Test func writesOrderAfterWhatTheyReplaceAtTheEdges() {
        let ahead = KeyVersion(counter: KeyVersion.maxCounter, time: 5000, tabId: "Z")
        let lww = KeyVersion.write(replacing: [ahead], at: 1000, by: "A", earliestFirst: false)
        #expect(lww == KeyVersion(counter: 1, time: 5001, tabId: "A"))
        let fww = KeyVersion.write(replacing: [ahead], at: 9000, by: "A", earliestFirst: true)
        #expect(fww == KeyVersion(counter: KeyVersion.maxCounter, time: 4999, tabId: "A"))
    }
}
