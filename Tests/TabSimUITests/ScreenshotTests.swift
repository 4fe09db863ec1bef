import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `S` saves the screen as shown: a text file equal to it, and an SVG that is well-formed XML and
/// holds the same text, each run of cells where the screen has it.
@Suite struct ScreenshotTests {
    /// The SVG's `<text>` runs put back on a grid by their x and y: the screen's text as drawn.
    final class TextRuns: NSObject, XMLParserDelegate {
        var rows: [Int: [Int: Character]] = [:]
        var root: String?
        private var position: (column: Int, row: Int)?
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if root == nil { root = name }
            guard name == "text", let x = attributes["x"].flatMap(Double.init),
                let y = attributes["y"].flatMap(Double.init)
            else { return }
            position = (Int((x / ScreenSVG.cellWidth).rounded()), Int(y / ScreenSVG.cellHeight))
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if position != nil { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard name == "text", let (column, row) = position else { return }
            for (i, c) in text.enumerated() { rows[row, default: [:]][column + i] = c }
            position = nil
        }

        func screenText(height: Int) -> String {
            (0..<height).map { y in
                let cells = rows[y] ?? [:]
                let width = (cells.keys.max() ?? -1) + 1
                let line = String((0..<width).map { cells[$0] ?? " " })
                return String(line.reversed().drop { $0 == " " }.reversed())
            }.joined(separator: "\n")
        }
    }

    /// Parses `svg` (failing the test when it is not well-formed) and returns its text as a screen.
    func parsed(_ svg: String, height: Int) throws -> String {
        let parser = XMLParser(data: Data(svg.utf8))
        let runs = TextRuns()
        parser.delegate = runs
        let ok = parser.parse()
        #expect(ok, "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")")
        #expect(runs.root == "svg")
        return runs.screenText(height: height)
    }

    @Test func sSavesTheScreenAsShownAsTextAndSVG() throws {
        let h = try Harness(width: 120, height: 30)
        h.run(ms: 2500)
        h.send(.concurrentEdit)
        h.run(ms: 300)
        let shown = h.screen
        h.press("S")
        let base = "tabsim-screen-seed1-t2.800s"
        #expect(h.state.message == "saved the screen to \(base).txt and \(base).svg")
        let text = try #require(h.written[base + ".txt"])
        #expect(text == shown.text + "\n")
        #expect(text.contains("LEADER") && text.contains("Traffic log"))
        let svg = try #require(h.written[base + ".svg"])
        #expect(try parsed(svg, height: shown.height) == shown.text)
        // The colours are the theme's: the status bar's blue on white, reversed (white on blue).
        #expect(svg.contains("fill=\"\(ColorPalette.AnsiColor.blue.hex)\""))
    }

    /// Text from a scenario file (ESC, BEL, OSC 52, bidi overrides, `<`, `&`) is escaped on screen and
    /// again for XML: the SVG stays well-formed and shows what the screen shows.
    @Test func hostileTextGivesWellFormedSVG() throws {
        let yaml = #"""
            name: Hostile text
            seed: 3
            config: {channelName: x, throttleMs: 0}
            steps:
              - {at: 0ms, open: {tab: "A\e[31m<b>&amp;", state: {theme: light}}}
              - {at: 10ms, open: {tab: B, state: {theme: light}}}
              - {at: 100ms, say: "\e]52;c;aGk=\a <script>alert('x')</script> & \"q\" \u202Eevil"}
              - {at: 200ms, set: {tab: B, "k\ey": "\x9b31m\u202Ered]]>", theme: "\e]0;x\a"}}
            """#
        let h = try Harness(scenario: try ScenarioParser.parse(yaml: yaml, file: "hostile.yaml"))
        h.run(ms: 500)
        let screen = h.screen
        let svg = ScreenSVG.svg(screen)
        #expect(!svg.contains("<script>") && !svg.contains("<b>"))
        let text = try parsed(svg, height: screen.height)
        #expect(text == screen.text)
        #expect(text.contains("<script>alert('x')</script> & \"q\""))
    }

    @Test func xmlEscapingCoversMarkupAndWhatXMLCannotHold() {
        #expect(ScreenSVG.escaped("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        #expect(ScreenSVG.escaped("\u{1B}x\u{0}\u{FFFF}") == "\u{FFFD}x\u{FFFD}\u{FFFD}")
    }

    @Test func aFailedWriteIsReportedAndNothingCalledSaved() throws {
        let h = try Harness()
        let effect = UIEffect.saveScreen(
            textPath: "/nonexistent/a.txt", text: "x", svgPath: "/nonexistent/a.svg", svg: "")
        let outcome = effect.carryOut()
        #expect(outcome == .writeFailed("cannot write /nonexistent/a.txt: No such file or directory"))
        h.send(try #require(outcome))
        #expect(h.state.message.hasPrefix("cannot write /nonexistent/a.txt"))
    }
}
