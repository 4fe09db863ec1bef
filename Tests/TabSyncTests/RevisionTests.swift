import Testing

@testable import TabSync

/// `BroadcastSync.revision`: what an observer that polls a tab's versions (the simulator's winner
/// oracle) reads to skip a poll. It must change whenever `version(of:)` may answer differently,
/// including when a received write changes a version and no value, which no event reports.
@Suite struct RevisionTests {
    @Test func changesWithEveryVersionAndStaysWhileNothingChanges() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A") { $0.throttleMs = 0 }
        let b = try bench.tab(["theme": "light"], id: "B") { $0.throttleMs = 0 }
        bench.advance(5000)

        let quiet = (a: a.revision, b: b.revision)
        bench.advance(10_000)  // pings with digests, nothing written
        #expect(a.revision == quiet.a && b.revision == quiet.b)

        try a.store.setState(["theme": "dark"])
        #expect(a.revision != quiet.a)
        bench.advance(10)
        #expect(b["theme"] == "dark")
        #expect(b.revision != quiet.b)

        // B writes blue unheard, then A writes blue later and sends it again once they hear each
        // other: B takes A's newer version of a value it already holds, and no event says so.
        bench.silenced = ["B"]
        try b.store.setState(["theme": "blue"])
        bench.advance(1)
        try a.store.setState(["theme": "blue"])
        bench.silenced = []
        let before = (revision: b.revision, version: b.version(of: "theme"))
        a.broadcastState(keys: ["theme"])
        bench.advance(10)
        #expect(b.version(of: "theme") != before.version)
        #expect(b.version(of: "theme") == a.version(of: "theme"))
        #expect(b.revision != before.revision)
    }
}

extension BroadcastSync {
    fileprivate subscript(key: String) -> JSONValue? { store[key] }
}
