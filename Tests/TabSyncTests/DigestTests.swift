import Testing

@testable import TabSync

/// The digest a TAB_PING carries is compared by tabs of other builds and processes: its bytes are
/// a wire format. These values were computed by the first implementation (strings of each number
/// hashed with FNV-1a); any change to how the digest is computed must keep them.
@Suite struct DigestTests {
    /// Two tabs, a few writes of one key list and of single keys, and a key removed.
    @Test(arguments: [
        (ConflictStrategy.lastWriteWins, "483b0d81c6e1f29e"), (.firstWriteWins, "26b047d48ec3ac3f"),
        (.merge, "2f8b900b17cacd19"),
    ])
    func theDigestOfAKnownHistoryIsPinned(strategy: ConflictStrategy, expected: String) throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light", "prefs": ["a": 1]], id: "A") {
            $0.throttleMs = 0
            $0.conflictStrategy = strategy
        }
        let b = try bench.tab(["theme": "light"], id: "B") {
            $0.throttleMs = 0
            $0.conflictStrategy = strategy
        }
        bench.advance(1000)
        try a.store.setState(["theme": "dark", "counter": 7])
        bench.advance(10)
        try b.store.setState(["prefs": ["a": 1, "b": 2]])
        bench.advance(10)
        b.store.removeKeys(["counter"])
        bench.advance(1234)
        #expect(a.digest == b.digest)
        #expect(a.digest == expected)
    }

    /// A number goes into the hash as the bytes of its decimal text, sign included.
    @Test(arguments: [0, 1, 9, 10, 99, 100, 12_345, -1, -10, -987, Int.max, Int.min, 1_765_000_000_000])
    func aNumberHashesAsItsDecimalText(n: Int) {
        var text = FNV1a()
        text.mix(String(n))
        var number = FNV1a()
        number.mix(decimal: n)
        #expect(number.value == text.value)
    }

    /// The hex form is the hash's high `digits` nibbles, zero-padded, as `String(_:radix:)` gives them.
    @Test func theHexFormIsTheHashsHighDigitsZeroPadded() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<200 {
            var hash = FNV1a()
            hash.mix(String(UInt64.random(in: 0...UInt64.max, using: &random)))
            for digits in 1...16 {
                let text = String(hash.value >> UInt64(4 * (16 - digits)), radix: 16)
                #expect(hash.hex(digits: digits) == String(repeating: "0", count: digits - text.count) + text)
            }
        }
    }

    /// The digest is cached until the versions or the store change: a key the application writes
    /// while the sync is stopped (no version recorded) is in the next digest, as it is in the state.
    @Test func aKeyWrittenWhileStoppedIsInTheNextDigest() throws {
        let bench = Bench()
        let a = try bench.tab(["theme": "light"], id: "A") { $0.throttleMs = 0 }
        bench.advance(1000)
        let before = a.digest
        a.stop()
        try a.store.setState(["extra": 1])
        #expect(a.digest != before)
        a.store.removeKeys(["extra"])
        #expect(a.digest == before)
    }
}
