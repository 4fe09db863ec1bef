import Logging
import Testing
import TabSync

/// The one escaping function every output uses, and the engine's debug log, which goes through it.
@Suite struct TerminalTextTests {
    @Test func controlsDelC1AndBidiBecomeVisibleEscapes() {
        #expect(TerminalText.escaped("\u{1b}]52;c;aGk=\u{07}") == #"\u{1b}]52;c;aGk=\u{7}"#)
        #expect(TerminalText.escaped("a\nb\tc\r\u{0}") == #"a\u{a}b\u{9}c\u{d}\u{0}"#)
        #expect(TerminalText.escaped("\u{7f}\u{80}\u{9b}31m\u{9f}") == #"\u{7f}\u{80}\u{9b}31m\u{9f}"#)
        #expect(TerminalText.escaped("x\u{202e}y\u{2066}z\u{2069}") == #"x\u{202e}y\u{2066}z\u{2069}"#)
    }

    @Test func jsonNotationKeepsAJSONLineValidAndItsValueUnchanged() throws {
        let value = "\u{9b}31m \u{202e}evil\u{7f}"
        let line = TerminalText.escaped(JSONValue.object(["v": .string(value)]).description, notation: .json)
        #expect(line == #"{"v":"\u009b31m \u202eevil\u007f"}"#)
        #expect(JSONValue(jsonText: line) == .object(["v": .string(value)]))
    }

    @Test func printableTextIsUnchangedAndEscapingTwiceChangesNothing() {
        let plain = "Théme → dark, 日本, emoji 🙂, \\u{1b} typed literally"
        #expect(TerminalText.escaped(plain) == plain)
        let hostile = String((0...0x2070).compactMap { Unicode.Scalar($0) }.map(Character.init))
        let once = TerminalText.escaped(hostile)
        #expect(!once.unicodeScalars.contains(where: TerminalText.isUnsafe))
        #expect(TerminalText.escaped(once) == once)
        #expect(TerminalText.escaped(once, notation: .json) == once)
    }

    @Test func theDebugLogEscapesWhatAPeerWrote() throws {
        let lines = LineCollector()
        let bench = Bench()
        let logger = Logger(label: "test") { _ in CapturingHandler(lines: lines) }
        let a = try bench.tab(["theme": "light"], id: "tab-1-abc123") {
            $0.debug = true
            $0.logger = logger
        }
        let b = try bench.tab(["theme": "light"], id: "tab-2-def456")
        bench.advance(1000)
        try b.store.setState(["\u{1b}]52;c;aGk=\u{07}": "\u{9b}2J"])
        bench.advance(10)
        withExtendedLifetime(a) {}
        let applied = #"[BroadcastSync:abc123] Applied remote state from def456 ['\u{1b}]52;c;aGk=\u{7}']"#
        #expect(lines.all.contains(applied))
        #expect(lines.all.allSatisfy { !$0.unicodeScalars.contains(where: TerminalText.isUnsafe) })
    }
}
