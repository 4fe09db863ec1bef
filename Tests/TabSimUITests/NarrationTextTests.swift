import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The narration panel's wrapping: lines never wider than the panel, words whole where they fit,
/// a longer word broken (never cut), and text from lesson files escaped before it is measured.
@Suite struct NarrationTextTests {
    @Test func aLineOfExactlyTheWidthStaysOneLine() {
        #expect(NarrationText.wrap("abcd efgh", width: 9) == ["abcd efgh"])
        #expect(NarrationText.wrap("abcd efgh", width: 8) == ["abcd", "efgh"])
        #expect(NarrationText.wrap("abcd efgh", width: 11, first: "» ") == ["» abcd efgh"])
        #expect(NarrationText.wrap("abcd efgh", width: 10, first: "» ") == ["» abcd", "  efgh"])
    }

    @Test func aWordLongerThanALineIsBrokenNotCut() {
        #expect(NarrationText.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(
            NarrationText.wrap("go abcdefghij ok", width: 7, first: "» ") == ["» go", "  abcde", "  fghij", "  ok"])
        #expect(
            NarrationText.wrap("go abcdefghij ok", width: 6, first: "» ") == [
                "» go", "  abcd", "  efgh", "  ij", "  ok",
            ])
        #expect(NarrationText.wrap("abcdefgh", width: 4) == ["abcd", "efgh"])  // exactly two lines, no empty third
    }

    @Test func emptyTextNarrowWidthsAndLineBreaks() {
        #expect(NarrationText.wrap("", width: 10, first: "» ") == ["» "])
        #expect(NarrationText.wrap("a  b", width: 10) == ["a b"])  // runs of spaces are one break
        #expect(NarrationText.wrap("abc", width: 2, first: "» ") == ["ab", "c"])  // no room for the mark: dropped
        #expect(NarrationText.wrap("abc", width: 0) == ["a", "b", "c"])
        #expect(NarrationText.wrap("one\ntwo three", width: 20, first: "» ") == ["» one", "  two three"])
    }

    /// ESC, BEL, OSC 52 and a bidi override from a lesson file are shown as their escapes, and the
    /// escapes are what is measured: no line is wider than the panel, none reaches the terminal.
    @Test func escapedTextIsMeasuredAsShown() {
        let hostile = "\u{1b}]52;c;aGk=\u{7} clipboard \u{9b}2J \u{202E}evil"
        let lines = NarrationText.wrap(hostile, width: 12, first: "» ")
        #expect(lines.allSatisfy { $0.count <= 12 }, "\(lines)")
        #expect(!lines.joined().unicodeScalars.contains(where: TerminalText.isUnsafe))
        let shown = lines.map { $0.dropFirst(2) }.joined()
        #expect(shown == TerminalText.escaped(hostile).replacing(" ", with: ""))
        #expect(lines.joined().contains(#"\u{1b}]52;c;aGk=\u{7}"#.prefix(10)))
    }

    /// Every narration of every built-in lesson, at every width from 4 to 100: each line fits, and
    /// the words read in order are the text's (nothing lost, nothing added).
    @Test func everyLessonsNarrationWrapsAtEveryWidthWithoutLoss() throws {
        let texts = try Lesson.builtIn().flatMap { lesson in
            lesson.narration.map { line -> String in
                switch line.line {
                case .say(let text): text
                case .prompt(let prompt): prompt.text
                }
            }
        }
        #expect(texts.count >= 20)
        for width in 4...100 {
            for text in texts {
                let lines = NarrationText.wrap(text, width: width, first: "» ")
                #expect(lines.allSatisfy { $0.count <= width }, "width \(width): \(lines)")
                let mark = lines[0].hasPrefix("» ") ? 2 : 0
                let read = lines.map { String($0.dropFirst(mark)) }.joined().replacing(" ", with: "")
                #expect(read == text.replacing(" ", with: ""), "width \(width)")
            }
        }
    }
}
