import Testing
import TabSync

/// State larger than a frame (issue 21): answers, repairs and updates are split into frames under
/// the transport's limit, and a single value no frame can carry is refused at `setState`.
@Suite struct LargeStateTests {
    static let limit = 64 * 1024

    static func big(_ fill: Character) -> JSONValue { .string(String(repeating: fill, count: 40_000)) }

    @Test(arguments: [ConflictStrategy.lastWriteWins, .merge, .arrivalOrder])
    func aNewcomerGetsTwoFortyKilobyteValuesOverAChannelOfSixtyFourKilobyteFrames(strategy: ConflictStrategy) throws {
        let bench = Bench()
        bench.hub.maxFrameBytes = Self.limit
        let setup: (inout BroadcastSyncConfig) -> Void = {
            $0.conflictStrategy = strategy
            $0.throttleMs = 0
        }
        let a = try bench.tab(["theme": "light"], id: "A", configure: setup)
        bench.advance(1000)
        try a.store.setState(["notes": Self.big("n")])
        try a.store.setState(["draft": Self.big("d")])
        bench.advance(10)
        let b = try bench.tab([:], id: "B", configure: setup)
        bench.advance(1000)
        #expect(b.store["notes"] == Self.big("n") && b.store["draft"] == Self.big("d") && b.store["theme"] == "light")
        #expect(!b.isJoining)
        #expect(bench.hub.tooLarge == 0)
        let answers = bench.sent(.stateResponse, by: a)
        #expect(answers.count == 2)
        #expect(answers.map { $0.payload?.remaining } == [1, 0])
        #expect(answers.allSatisfy { ChannelFrame.message($0).encodedByteCount <= Self.limit })
    }

    @Test func updatesOfManyLargeKeysAreSplitAndAllArrive() throws {
        let bench = Bench()
        bench.hub.maxFrameBytes = Self.limit
        let a = try bench.tab([:], id: "A") { $0.throttleMs = 100 }
        let b = try bench.tab([:], id: "B") { $0.throttleMs = 100 }
        bench.advance(1000)
        try a.store.setState(["x": 1])  // opens the throttle window
        try a.store.setState(["one": Self.big("1"), "two": Self.big("2"), "three": Self.big("3")])
        bench.advance(500)
        #expect(b.store["one"] == Self.big("1") && b.store["two"] == Self.big("2") && b.store["three"] == Self.big("3"))
        #expect(bench.hub.tooLarge == 0)
        #expect(a.digest == b.digest)
    }

    /// One value larger than a frame can carry is refused where the application can act on it,
    /// naming the key and the limit; nothing of that set changes, and no other key is held back.
    @Test func aValueNoFrameCarriesIsRefusedAtSetState() throws {
        let bench = Bench()
        bench.hub.maxFrameBytes = Self.limit
        let a = try bench.tab(["theme": "light"], id: "A") {
            $0.throttleMs = 0
            $0.excludeKeys = ["cache"]
        }
        let b = try bench.tab(["theme": "light"], id: "B") { $0.throttleMs = 0 }
        bench.advance(1000)
        let huge = JSONValue.string(String(repeating: "h", count: 70_000))
        let error = try #require(throws: ValueTooLarge.self) { try a.store.setState(["theme": "dark", "blob": huge]) }
        #expect(error.key == "blob" && error.limit == Self.limit - BroadcastSync.frameReserve)
        #expect("\(error)".contains("'blob'") && "\(error)".contains("\(Self.limit - BroadcastSync.frameReserve)"))
        #expect(a.store["theme"] == "light" && a.store["blob"] == nil)
        try a.store.setState(["cache": huge])  // never leaves the tab: no limit
        try a.store.setState(["theme": "dark"])
        bench.advance(10)
        #expect(b.store["theme"] == "dark")
        a.stop()
        try a.store.setState(["blob": huge])  // no sync on the store: nothing to refuse
    }
}

@Suite struct EscapedSizeTests {
    /// A value of control characters is measured as it is sent, escapes included: 12,000 of them
    /// are 72 KB of JSON, which no 64 KiB frame carries (it was measured as 12 KB and sent, and
    /// dropped by the transport every time).
    @Test func controlCharactersCountAsTheirEscapes() throws {
        let raw = String(repeating: "\u{1}", count: 12_000)
        #expect(JSONValue.string(raw).approximateByteCount == JSONValue.string(raw).description.utf8.count)
        let bench = Bench()
        bench.hub.maxFrameBytes = 64 * 1024
        let a = try bench.tab([:], id: "A")
        bench.advance(100)
        #expect(throws: ValueTooLarge.self) { try a.store.setState(["esc": .string(raw)]) }
        let mixed: JSONValue = ["q": "say \"hi\"\\", "nl": "a\nb\tc", "plain": "abc"]
        #expect(mixed.approximateByteCount >= mixed.description.utf8.count)
    }
}
