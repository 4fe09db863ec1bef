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

    /// The hint bar fits the screen at every width, starts with `q quit`, lists the keys by
    /// importance (a prefix of the ranking: nothing less important shows where something more
    /// important does not), and puts the time keys right after quit, help and pause while paused.
    @Test func hintBarFitsTheScreenByImportance() {
        for width in 0...260 {
            for paused in [false, true] {
                let bar = KeyBinding.hintBar(width: width, paused: paused)
                #expect(bar.count <= width, "\(width): \(bar)")
                if width >= 6 { #expect(bar.hasPrefix("q quit"), "\(width): \(bar)") }
                if (1..<6).contains(width) { #expect(bar == "q") }
            }
            let bar = KeyBinding.hintBar(width: width, paused: false)
            let ranked = KeyBinding.all.filter { $0.hint != nil }.sorted { $0.importance! < $1.importance! }
            let shown = ranked.map { bar.contains($0.label + " " + $0.hint!) }
            #expect(!zip(shown, shown.dropFirst()).contains { !$0 && $1 }, "\(width): \(bar)")
        }
        // 80 columns: quit, help, pause, select, the diagram and the teaching network at least.
        let at80 = KeyBinding.hintBar(width: 80, paused: false)
        for hint in ["q quit", "? help", "space pause", "1-9 select", "d diagram", "N slow"] {
            #expect(at80.contains(hint), "\(at80)")
        }
        #expect(KeyBinding.hintBar(width: 120, paused: true).hasPrefix("q quit  ? help  space pause  . step  [ back"))
        #expect(KeyBinding.hintBar(width: 120, paused: false).hasPrefix("q quit  ? help  space pause  1-9 select"))
        #expect(KeyBinding.hintBar.count > 120)  // hence the shortening
    }

    /// Every binding in the hint bar has its own rank; the ranking names no action without a binding.
    @Test func everyHintIsRanked() {
        let ranks = KeyBinding.all.compactMap(\.importance)
        #expect(ranks.count == KeyBinding.all.count { $0.hint != nil })
        #expect(ranks.allSatisfy { $0 < KeyBinding.importance.count })
        #expect(Set(ranks).count == ranks.count)
        #expect(KeyBinding.importance.count == ranks.count)
    }

    /// Help's first page, even at 80x24: quit, pause and help, then every symbol of the legend.
    @Test func helpsFirstPageStartsWithQuitPauseHelpAndTheLegend() {
        for (width, height) in [(80, 24), (160, 45)] {
            let help = HelpOverlay(width: width, height: height, scroll: 0)
            let page = Array(help.lines.prefix(help.bodyRows))
            #expect(page[0].hasPrefix("  q ") && page[0].contains("quit"))
            #expect(page[1].hasPrefix("  space ") && page[1].contains("pause"))
            #expect(page[2].hasPrefix("  ? ") && page[2].contains("help"))
            for row in Legend.rows {
                #expect(page.contains { $0.hasPrefix("  " + row.symbols + " ") }, "\(width)x\(height): \(row.symbols)")
            }
            #expect(help.maxScroll > 0)  // the keys follow, further down
        }
    }

    /// The legend names every symbol the screen draws: the sequence diagram of a kill and an
    /// election with messages in flight and pings, a partition, a freeze; the panes; the timeline.
    @Test func theLegendNamesEverySymbolDrawn() throws {
        let h = try Harness(tabs: 4, width: 160, height: 60)
        h.send(.toggleTeachingNetwork)
        h.run(ms: 3000)
        h.send(.select(1))
        h.send(.toggleFreeze)
        h.run(ms: 800)
        h.send(.toggleFreeze)
        h.send(.select(2))
        h.send(.togglePartition)
        h.send(.cycleTheme)
        h.send(.select(0))
        h.send(.killTab)
        h.send(.select(3))
        h.send(.closeTab)
        h.run(ms: 4000)
        h.send(.toggleDiagram)
        h.send(.togglePause)
        for _ in 0..<3 { h.send(.stepBack) }  // rewound: the timeline shows the present too
        let legend = Set((Legend.rows.map { $0.symbols + $0.meaning }).joined())
        let drawn = Set(h.screen.chars.filter { !$0.isASCII && !$0.isLetter })
        #expect(drawn.subtracting(legend).isEmpty, "not in the legend: \(drawn.subtracting(legend))")
        for symbol in ["●", "▶", "×", "⊘", "★", "┬", "┴", "✖", "◌", "◎", "│", "═", "┃", "━", "█", "░", "↓"] {
            #expect(legend.contains(Character(symbol)))
        }
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
