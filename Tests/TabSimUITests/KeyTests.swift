import Foundation
import Testing

@testable import TabSimUI

@Suite struct KeyDecoderTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func homeEndPagesAndArrowsInEveryForm() {
        let cases: [(String, Key)] = [
            ("\u{1B}[A", .up), ("\u{1B}OA", .up), ("\u{1B}[1;5A", .up), ("\u{1B}[B", .down), ("\u{1B}OB", .down),
            ("\u{1B}[H", .home), ("\u{1B}OH", .home), ("\u{1B}[1~", .home), ("\u{1B}[7~", .home),
            ("\u{1B}[F", .end), ("\u{1B}OF", .end), ("\u{1B}[4~", .end), ("\u{1B}[8~", .end),
            ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown), ("\u{1B}[5;2~", .pageUp), ("\u{1B}[Z", .backTab),
        ]
        for (sequence, key) in cases {
            #expect(KeyDecoder.keys(bytes(sequence)) == [key], "\(sequence.debugDescription)")
        }
    }

    @Test func unknownSequencesAreSwallowedWhole() {
        // F5, Insert, Delete, F1 (SS3), a mouse report's start, focus in: none becomes letters or digits.
        for sequence in ["\u{1B}[15~", "\u{1B}[2~", "\u{1B}[3~", "\u{1B}OP", "\u{1B}[I", "\u{1B}[200~", "\u{1B}[1;2C"] {
            #expect(KeyDecoder.keys(bytes(sequence + "q")) == [.char("q")], "\(sequence.debugDescription)")
        }
    }

    @Test func escAloneIsEscAndPlainKeysPassThrough() {
        #expect(KeyDecoder.keys(bytes("\u{1B}")) == [.escape])
        #expect(KeyDecoder.keys(bytes("t1 \t?")) == [.char("t"), .char("1"), .char(" "), .char("\t"), .char("?")])
        #expect(KeyDecoder.keys(bytes("\u{1B}x")) == [])  // Alt-x: not a key here
        #expect(KeyDecoder.keys([0xC3, 0xA9, 0x01]) == [])  // é and Ctrl-A: no key uses them
        #expect(KeyDecoder.keys([0x1B, 0xC3, 0xA9, 0x71]) == [.char("q")])  // Alt-é, then q
    }
}

/// OSC, DCS, APC, PM and SOS strings (a terminal's answer, a paste, `tmux send-keys -H`) are swallowed
/// whole: their text never becomes keys, and the key after them is read as usual.
@Suite struct KeyDecoderStringSequenceTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func sevenBitStringsEndedByBelOrSTAreNotKeys() {
        let strings = [
            "\u{1B}]1;x\u{07}",  // OSC ending in BEL: would select tab 1
            "\u{1B}]52;c;cXVpdA==\u{1B}\\",  // OSC 52 ending in ST
            "\u{1B}Pq#0;2;0;0;0#1q\u{1B}\\",  // DCS (sixel) full of q: would quit
            "\u{1B}_q t 1\u{07}", "\u{1B}^q\u{1B}\\", "\u{1B}Xq 2 3\u{1B}\\",  // APC, PM, SOS
            "\u{1B}]0;é ŝ q\u{07}",  // UTF-8 inside: Ŝ (next) is C5 9C, whose 0x9C is not ST
            "\u{1B}]0;Ŝq\u{07}",
        ]
        for string in strings {
            #expect(KeyDecoder.keys(bytes(string + "t")) == [.char("t")], "\(string.debugDescription)")
            var decoder = KeyDecoder()
            for byte in bytes(string) { #expect(decoder.feed(byte) == nil, "\(string.debugDescription)") }
            #expect(!decoder.isInsideSequence, "\(string.debugDescription) has ended")
        }
    }

    @Test func eightBitStringsRawOrUTF8EncodedAreNotKeys() {
        for introducer: UInt8 in [0x9D, 0x90, 0x9F, 0x9E, 0x98] {
            let body = bytes("1;q 2")
            for terminator: [UInt8] in [[0x07], [0x9C], [0x1B, 0x5C], [0xC2, 0x9C]] {
                #expect(KeyDecoder.keys([introducer] + body + terminator + bytes("t")) == [.char("t")])
                #expect(KeyDecoder.keys([0xC2, introducer] + body + terminator + bytes("t")) == [.char("t")])
            }
        }
        // 8-bit CSI and SS3 are the arrows' other forms.
        #expect(KeyDecoder.keys([0x9B, 0x41, 0x8F, 0x42, 0xC2, 0x9B, 0x35, 0x7E]) == [.up, .down, .pageUp])
    }

    @Test func aStringCutShortByAnotherSequenceOrCANEnds() {
        #expect(KeyDecoder.keys(bytes("\u{1B}]1;q\u{1B}[Aq")) == [.up, .char("q")])
        #expect(KeyDecoder.keys(bytes("\u{1B}]1;q\u{18}q")) == [.char("q")])
        #expect(KeyDecoder.keys(bytes("\u{1B}[1\u{1B}]2q\u{07}q")) == [.char("q")])
    }

    /// A string longer than the bound is a lost terminator: given up after 4096 bytes, the rest are keys.
    @Test func aStringLongerThanTheBoundIsGivenUpThere() {
        let inside = [UInt8](repeating: UInt8(ascii: "a"), count: KeyDecoder.maxStringBytes - 1)
        #expect(KeyDecoder.keys(bytes("\u{1B}]") + inside + bytes("q\u{07}t")) == [.char("t")])
        #expect(KeyDecoder.keys(bytes("\u{1B}]") + inside + bytes("bq\u{07}t")) == [.char("q"), .char("t")])
    }

    /// An input pause ends an unterminated string (the device flushes), and the next key is read.
    @Test func aPauseEndsAnUnterminatedString() {
        var decoder = KeyDecoder()
        for byte in bytes("\u{1B}]1;x") { _ = decoder.feed(byte) }
        #expect(decoder.isInsideSequence)
        #expect(decoder.flush() == nil)
        #expect(decoder.feed(UInt8(ascii: "1")) == .char("1"))
    }
}

@Suite struct KeyBindingTests {
    @Test func everyKeyHasOneActionAndEveryActionTheHelpShows() {
        var seen: Set<Key> = []
        for b in KeyBinding.all {
            #expect(b.keys.count == b.actions.count, "\(b.label)")
            for k in b.keys { #expect(seen.insert(k).inserted, "\(k.label) bound twice") }
        }
        let state = UIState()
        #expect(KeyBinding.action(for: .char("t"), in: state) == .cycleTheme)
        #expect(KeyBinding.action(for: .char("9"), in: state) == .select(8))
        #expect(KeyBinding.action(for: .backTab, in: state) == .selectPrevious)
        #expect(KeyBinding.action(for: .pageUp, in: state) == .scrollUp(10))
        #expect(KeyBinding.action(for: .home, in: state) == .scrollToTop)
        #expect(KeyBinding.action(for: .char("Z"), in: state) == nil)
    }

    @Test func hintBarAndHelpComeFromTheTable() {
        for b in KeyBinding.all {
            if let hint = b.hint { #expect(KeyBinding.hintBar.contains(b.label + " " + hint)) }
            #expect(
                HelpOverlay(width: 200, height: 60, scroll: 0).lines.contains {
                    $0.contains(b.label) && $0.contains(b.help)
                })
        }
    }

    /// The hint bar fits the screen (120 columns and narrower), ends with help and quit, and puts
    /// the time keys first while paused.
    @Test func hintBarFitsTheScreen() {
        for width in [60, 80, 120, 200] {
            for paused in [false, true] {
                let bar = KeyBinding.hintBar(width: width, paused: paused)
                #expect(bar.count <= width, "\(width): \(bar)")
                #expect(bar.hasSuffix("? help  q quit"))
            }
        }
        #expect(KeyBinding.hintBar(width: 120, paused: true).hasPrefix("space pause"))
        #expect(KeyBinding.hintBar(width: 120, paused: false).hasPrefix("1-9 select"))
        #expect(KeyBinding.hintBar.count > 120)  // hence the shortening
    }

    /// The README's key table is the binding table: same keys, same words, same order.
    @Test func readmeKeyTableMatchesTheBindings() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let start = try #require(text.range(of: "<!-- keys:begin -->"), "README has no <!-- keys:begin --> marker")
        let end = try #require(text.range(of: "<!-- keys:end -->"), "README has no <!-- keys:end --> marker")
        let rows = text[start.upperBound..<end.lowerBound].split(separator: "\n")
            .filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Key") && !$0.hasPrefix("| ---") }
            .map(String.init)
        let expected = KeyBinding.all.map(\.readmeRow)
        #expect(rows == expected)
    }

    /// The README's screenshot of the UI is the 120x30 golden frame, character for character.
    @Test func readmeScreenshotIsTheGoldenFrame() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## The terminal UI"))
        let start = try #require(readme.range(of: "```text\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let golden = try String(
            contentsOf: GoldenFrameTests.directory.appendingPathComponent("three-tabs-120x30.txt"),
            encoding: .utf8)
        let frame = golden.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix(30)
            .map { line in String(String(line.dropLast()).reversed().drop { $0 == " " }.reversed()) }
        #expect(
            readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init) == frame)
    }
}
