import Testing

@testable import TabSync

/// The payload's checks are found once per post and shared by the copies each receiver gets; a
/// write to a payload must never leave the verdict of its old fields in place.
@Suite struct PayloadVerdictTests {
    private static let good = KeyVersion(counter: 1, time: 10, tabId: "X")

    @Test func aWriteAfterTheVerdictClearsIt() {
        var payload = SyncMessage.Payload(state: ["theme": "dark"], keys: ["theme"], stamps: ["theme": Self.good])
        #expect(payload.verdict.rangeProblem == nil)
        #expect(payload.verdict.keysProblem == nil)
        // Uniquely held: written in place, so the kept verdict must be cleared.
        payload.stamps = ["theme": KeyVersion(counter: -1, time: 10, tabId: "X")]
        #expect(
            payload.verdict.rangeProblem == "field 'payload.stamps.theme.counter' is -1, outside 0...9007199254740991")
        payload.keys = []
        #expect(payload.verdict.keysProblem == "state holds 'theme', which keys does not list")
    }

    @Test func aCopyWrittenToGetsItsOwnVerdict() {
        let shared = SyncMessage.Payload(state: ["n": .number(1)], keys: ["n"])
        #expect(shared.verdict.stateBytes > 0)
        var copy = shared
        copy.state = ["n": .number(.nan)]
        #expect(copy.verdict.valueProblem != nil)
        #expect(shared.verdict.valueProblem == nil)
    }

    /// With several problems the one named does not depend on dictionary order (the sort happens
    /// only when something is wrong).
    @Test func theFirstBadVersionInKeyOrderIsNamed() {
        let bad = KeyVersion(counter: KeyVersion.maxCounter + 1, time: 10, tabId: "X")
        let stamps = Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\(100 + $0)", bad) })
        let payload = SyncMessage.Payload(stamps: stamps)
        #expect(
            payload.verdict.rangeProblem
                == "field 'payload.stamps.k100.counter' is \(KeyVersion.maxCounter + 1), above the version counter's bound \(KeyVersion.maxCounter)"
        )
        var fields = SyncMessage.Payload()
        fields.fieldStamps = ["b": ["y": bad, "x": bad], "a": ["z": Self.good]]
        #expect(fields.verdict.rangeProblem?.hasPrefix("field 'payload.fieldStamps.b.x.counter'") == true)
    }

    /// Every receiver of one post drops a bad payload for the same reason, and the frame's sender
    /// is untouched; a good post reaches all of them.
    @Test func everyReceiverOfOnePostGetsTheSameVerdict() throws {
        let bench = Bench()
        let tabs = try (0..<4).map { try bench.tab(["theme": "light"], id: "T\($0)") }
        bench.advance(500)
        let sender = try #require(
            bench.hub.open(channelName: "test", ownerId: "X", scheduler: bench.scheduler) { _ in })
        sender.post(
            .message(
                SyncMessage(
                    type: .stateUpdate, tabId: "X", timestamp: bench.scheduler.wallNow,
                    payload: .init(state: ["theme": "dark", "font": "big"], keys: ["theme"]))))
        sender.post(
            .message(
                SyncMessage(
                    type: .stateUpdate, tabId: "X", timestamp: bench.scheduler.wallNow,
                    payload: .init(state: ["theme": "dark"], keys: ["theme"], counter: 7))))
        bench.advance(10)
        for tab in tabs {
            #expect(tab.statistics.dropped[.inconsistentKeys] == 1)
            #expect(tab.store["theme"] == "dark")
        }
    }
}
