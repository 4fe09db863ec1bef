import Testing
import TabSync

/// A key the receiver's filters refuse is never written there, even when the message also removes
/// a key the receiver accepts: a message of [a, b] holding only a (b removed), received where a is
/// excluded, once looked like "the state is the accepted keys" (one key each) to the fast path.
@Suite struct RefusedKeyTests {
    @Test func anExcludedKeyBesideARemovalIsNotWritten() throws {
        let bench = Bench()
        let sender = try bench.tab(["a": 0, "b": 0], id: "S")
        let receiver = try bench.tab(["a": 0, "b": 0], id: "R") { $0.excludeKeys = ["a"] }
        bench.advance(1000)
        try sender.store.setState(["a": 1, "b": 2])
        bench.advance(100)
        #expect(receiver.store["a"] == 0 && receiver.store["b"] == 2)
        // One message: keys [a, b], state {a: 3}: a changes, b is removed.
        _ = sender.store.update(set: ["a": 3], remove: ["b"], origin: .local)
        bench.advance(100)
        #expect(receiver.store["a"] == 0, "an excluded key was written")
        #expect(receiver.store["b"] == nil, "the removal of an accepted key was lost")
    }
}
