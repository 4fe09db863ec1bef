import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// A terminal in miniature for the codes a cast holds (cursor moves, styles, clear, text): enough to
/// play a cast back and read the screen it leaves.
struct MiniTerminal {
    var width: Int
    var height: Int
    var cells: [[Character]]
    var sgr: [[String]]
    var x = 0
    var y = 0
    var current = "0"
    /// The scroll region (DECSTBM), rows from 0; nil: the whole screen.
    var region: ClosedRange<Int>?

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: Array(repeating: " ", count: width), count: height)
        sgr = Array(repeating: Array(repeating: "0", count: width), count: height)
    }

    mutating func resize(width: Int, height: Int) { self = MiniTerminal(width: width, height: height) }

    /// Plays `data`; records an issue for a code it does not know.
    mutating func feed(_ data: String) {
        var chars = Array(data)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\u{1B}" {
                #expect(i + 1 < chars.count && chars[i + 1] == "[", "only CSI sequences are written")
                var j = i + 2
                while j < chars.count, !(chars[j].isLetter) { j += 1 }
                guard j < chars.count else {
                    Issue.record("a sequence cut at the end of an event")
                    return
                }
                let params = String(chars[(i + 2)..<j])
                switch chars[j] {
                case "H":
                    let p = params.split(separator: ";").map { Int($0) ?? 1 }
                    y = (p.first ?? 1) - 1
                    x = (p.count > 1 ? p[1] : 1) - 1
                case "J":
                    #expect(params == "2")
                    cells = Array(repeating: Array(repeating: " ", count: width), count: height)
                    sgr = Array(repeating: Array(repeating: current, count: width), count: height)
                case "m": current = params
                case "r":
                    let p = params.split(separator: ";").compactMap { Int($0) }
                    region = p.count == 2 ? (p[0] - 1)...(p[1] - 1) : nil
                    x = 0
                    y = 0
                case "S":
                    let rows = region ?? 0...(height - 1)
                    for _ in 0..<(Int(params) ?? 1) {
                        cells.remove(at: rows.lowerBound)
                        cells.insert(Array(repeating: " ", count: width), at: rows.upperBound)
                        sgr.remove(at: rows.lowerBound)
                        sgr.insert(Array(repeating: current, count: width), at: rows.upperBound)
                    }
                case "l", "h": #expect(params == "?25")
                default: Issue.record("unknown sequence \(params)\(chars[j])")
                }
                i = j + 1
                continue
            }
            if y < height, x < width {
                cells[y][x] = c
                sgr[y][x] = current
            }
            x += 1
            i += 1
        }
        chars.removeAll()
    }

    var text: String {
        cells.map { String(String($0).reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }
}

/// A cast parsed back: its header, and its events as (time, code, data).
struct ParsedCast {
    var header: [String: Any]
    var events: [(time: Double, code: String, data: String)]

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "", "the cast ends with a newline")
        let header = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        self.header = try #require(header)
        events = []
        for line in lines.dropFirst().dropLast() {
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], "not a JSON array: \(line)")
            try #require(event.count == 3, "\(line)")
            let time = try #require((event[0] as? NSNumber)?.doubleValue)
            events.append((time, try #require(event[1] as? String), try #require(event[2] as? String)))
        }
    }

    /// The screen the cast leaves, played through a `MiniTerminal`.
    func finalScreen() throws -> MiniTerminal {
        var terminal = MiniTerminal(
            width: try #require(header["width"] as? Int), height: try #require(header["height"] as? Int))
        for event in events {
            switch event.code {
            case "o": terminal.feed(event.data)
            case "r":
                let size = event.data.split(separator: "x").compactMap { Int($0) }
                try #require(size.count == 2)
                terminal.resize(width: size[0], height: size[1])
            default: Issue.record("unknown event code \(event.code)")
            }
        }
        return terminal
    }

    /// Checks what every v2 cast must hold: version 2, a size, a timestamp, times that never go back.
    func expectValidV2() {
        #expect(header["version"] as? Int == 2)
        #expect((header["width"] as? Int ?? 0) > 0 && (header["height"] as? Int ?? 0) > 0)
        #expect(header["timestamp"] is Int)
        #expect(!events.isEmpty)
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time }, "times never decrease")
        #expect(events.allSatisfy { ["o", "r"].contains($0.code) && $0.time >= 0 })
    }
}

/// `--cast`: an asciinema v2 cast of the screen as drawn, only what changed in each frame.
@Suite struct CastTests {
    @Test func jsonStringsEscapeQuotesBackslashesAndEveryControlCharacter() throws {
        var raw = "\"quoted\" back\\slash é ✓ \u{2028}"
        for v in UInt32(0)...0x1F { raw.unicodeScalars.append(Unicode.Scalar(v)!) }
        raw += "\u{7F}\u{1B}[2J"
        let json = CastWriter.jsonString(raw)
        // No control character is written as it is: each is an escape.
        #expect(!json.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(json.contains("\\u001b[2J"))
        let back = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
        #expect(back == [raw])
    }

    @Test func theHeaderIsAV2HeaderAndEachFrameOneEventOfWhatChanged() throws {
        var writer = CastWriter(width: 20, height: 3)
        var screen = ScreenBuffer(width: 20, height: 3)
        screen.put("hello \"cast\"", x: 0, y: 0, style: CellStyle(.title, bold: true))
        var lines = [writer.header(timestamp: 1_700_000_000, title: "t\u{1B}itle")]
        lines += writer.frame(screen, atSeconds: 0.5)
        #expect(writer.frame(screen, atSeconds: 0.6).isEmpty, "nothing changed: no event")
        screen.put("J", x: 0, y: 1)
        let second = writer.frame(screen, atSeconds: 0.7)
        #expect(second.count == 1)
        // Only the changed cell: a cursor move to row 2, column 1, its style and the letter.
        #expect(second.first == #"[0.700, "o", "\u001b[2;1H\u001b[0mJ"]"#)
        lines += second
        let cast = try ParsedCast(lines.joined(separator: "\n") + "\n")
        cast.expectValidV2()
        #expect(cast.header["title"] as? String == "t\u{1B}itle")
        #expect(try cast.finalScreen().text == screen.text)
        #expect(try cast.finalScreen().sgr[0][0] == "0;1;36", "the title role in cyan, bold")
    }

    @Test func timesNeverGoBackAndAResizeIsAnEvent() throws {
        var writer = CastWriter(width: 10, height: 2)
        var lines = [writer.header(timestamp: 0, title: "")]
        for (i, t) in [1.0, 0.5, .nan, 2.25, 2.0].enumerated() {
            var screen = ScreenBuffer(width: 10, height: 2)
            screen.put("frame \(i)", x: 0, y: 0)
            lines += writer.frame(screen, atSeconds: t)
        }
        var bigger = ScreenBuffer(width: 12, height: 3)
        bigger.put("bigger", x: 1, y: 2)
        let resized = writer.frame(bigger, atSeconds: 3)
        #expect(resized.first == #"[3.000, "r", "12x3"]"#)
        lines += resized
        let cast = try ParsedCast(lines.joined(separator: "\n") + "\n")
        cast.expectValidV2()
        #expect(cast.events.map(\.time) == [1, 1, 1, 2.25, 2.25, 3, 3])
        #expect(try cast.finalScreen().text == bigger.text)
    }

    /// The whole loop, recorded: the cast parses back as v2, its times are the wall time the user
    /// saw (not the virtual time, which ran 10 times faster), and played back it leaves exactly the
    /// last screen drawn.
    @Test func aRecordedSessionParsesBackAndLeavesTheLastScreen() throws {
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 3))
        let device = FakeDevice(
            width: 100, height: 30,
            script: [
                (1000, .key(.char(">"))), (0, .key(.char(">"))), (0, .key(.char(">"))),  // x10
                (1500, .key(.char("t"))), (500, .key(.char("d"))), (700, .resize(120, 35)), (800, .key(.char("q"))),
            ])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-cast-\(getpid()).cast").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try CastRecorder(path: path, wrapping: device, clock: device, timestamp: 42, title: "demo")
        _ = TerminalUI.run(UIState(), session: session, device: recorder, clock: device)
        #expect(recorder.finish() == nil)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.utf8.count == recorder.bytes)
        let cast = try ParsedCast(text)
        cast.expectValidV2()
        #expect(cast.header["width"] as? Int == 100 && cast.header["height"] as? Int == 30)
        #expect(cast.header["timestamp"] as? Int == 42)
        let last = try #require(cast.events.last?.time)
        #expect(abs(last - device.nowMs / 1000) < 0.05, "wall time: \(last) s, the fake clock \(device.nowMs) ms")
        #expect(session.simulation.nowMs > 20_000, "virtual time ran faster")
        #expect(cast.events.contains { $0.code == "r" && $0.data == "120x35" })
        let lastFrame = try #require(device.frames.last)
        #expect(try cast.finalScreen().text == lastFrame.text)
        // Frames that change a little write a little: most events are far smaller than a screen.
        let sizes = cast.events.filter { $0.code == "o" }.map(\.data.utf8.count).sorted()
        #expect(sizes[sizes.count / 2] < 100 * 30 / 4, "median event \(sizes[sizes.count / 2]) bytes")
    }

    /// Lines that moved up (a log's new lines) are scrolled in the terminal, not rewritten: the
    /// diff is a scroll region, a scroll and the new lines, and it leaves exactly the new screen.
    @Test func rowsThatMovedUpAreScrolledNotRewritten() throws {
        func screen(_ first: Int) -> ScreenBuffer {
            var s = ScreenBuffer(width: 60, height: 14)
            s.put("title", x: 0, y: 0, style: CellStyle(.title, bold: true))
            for row in 1...10 {
                s.put(
                    "log line \(first + row) " + String(repeating: "=", count: 40), x: 0, y: row,
                    style: CellStyle(.logState))
            }
            s.put("status", x: 0, y: 12, style: CellStyle(.statusBar, reverse: true))
            return s
        }
        let old = screen(0)
        let new = screen(3)
        let diff = AnsiScreen.diff(from: old, to: new)
        #expect(diff.contains("\u{1B}[2;11r\u{1B}[3S\u{1B}[r"), "rows 2 to 11 scrolled up 3: \(diff)")
        #expect(diff.utf8.count < AnsiScreen.diff(from: nil, to: new).utf8.count / 3)
        var terminal = MiniTerminal(width: 60, height: 14)
        terminal.feed(AnsiScreen.diff(from: nil, to: old))
        terminal.feed(diff)
        #expect(terminal.text == new.text)
    }

    /// Whatever changed, scrolled or not, playing the diff over the old screen gives the new one,
    /// characters and styles (seeded random screens, shifts and edits).
    @Test func aDiffOverTheOldScreenAlwaysGivesTheNewOne() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let styles = [
            CellStyle(), CellStyle(.title, bold: true), CellStyle(.paneDark), CellStyle(.warning, reverse: true),
        ]
        var scrolled = 0
        for _ in 0..<200 {
            let width = 5 + next(30)
            let height = 3 + next(15)
            var old = ScreenBuffer(width: width, height: height)
            var rows: [(String, CellStyle)] = []
            for y in 0..<height {
                let row = (
                    String((0..<next(width + 1)).map { _ in Character(UnicodeScalar(UInt8(97 + next(4)))) }),
                    styles[next(4)]
                )
                rows.append(row)
                old.put(row.0, x: 0, y: y, style: row.1)
            }
            var new = ScreenBuffer(width: width, height: height)
            let shift = next(4)
            for y in 0..<height {
                let source = y + shift < height && next(5) > 0 ? rows[y + shift] : ("new \(next(100))", styles[next(4)])
                new.put(source.0, x: 0, y: y, style: source.1)
            }
            for _ in 0..<next(4) { new.put("x", x: next(width), y: next(height), style: styles[next(4)]) }
            var terminal = MiniTerminal(width: width, height: height)
            terminal.feed(AnsiScreen.diff(from: nil, to: old))
            terminal.feed(AnsiScreen.diff(from: old, to: new))
            var expected = MiniTerminal(width: width, height: height)
            expected.feed(AnsiScreen.diff(from: nil, to: new))
            // Every cell, character and style, but the bottom-right one (never written, by either).
            #expect(terminal.text == expected.text)
            for y in 0..<height {
                for x in 0..<width where !(y == height - 1 && x == width - 1) {
                    #expect(terminal.sgr[y][x] == expected.sgr[y][x], "(\(x), \(y))")
                }
            }
            scrolled += AnsiScreen.diff(from: old, to: new).contains("S\u{1B}[r") ? 1 : 0
        }
        #expect(scrolled > 20, "scrolls were tried: \(scrolled)")
    }

    /// Without colours (NO_COLOR) the cast draws what the terminal draws: each pane look by its
    /// attributes alone, no colour code anywhere.
    @Test func withoutColoursTheCastKeepsTheTerminalsAttributes() throws {
        var screen = ScreenBuffer(width: 30, height: 3)
        screen.put("dark", x: 0, y: 0, style: CellStyle(.paneDark))
        screen.put("system", x: 10, y: 0, style: CellStyle(.paneSystem))
        screen.put("title", x: 0, y: 1, style: CellStyle(.title))
        var writer = CastWriter(width: 30, height: 3, colors: false)
        let lines = [writer.header(timestamp: 0, title: "")] + writer.frame(screen, atSeconds: 0)
        let terminal = try ParsedCast(lines.joined(separator: "\n") + "\n").finalScreen()
        #expect(terminal.sgr[0][0] == "0;7" && terminal.sgr[0][10] == "0;4" && terminal.sgr[1][0] == "0;1")
        let codes = terminal.sgr.joined().flatMap { $0.split(separator: ";") }
        #expect(!codes.contains { ($0.first == "3" || $0.first == "4") && $0.count == 2 }, "no colour: \(Set(codes))")
        #expect(terminal.text == screen.text)
    }

    @Test func aCastThatCannotBeCreatedIsRefusedNamingThePath() {
        let device = FakeDevice(width: 80, height: 24, script: [])
        #expect(throws: UIError.self) {
            try CastRecorder(path: "/nonexistent/dir/x.cast", wrapping: device, clock: device, timestamp: 0, title: "")
        }
        do {
            _ = try CastRecorder(
                path: "/nonexistent/dir/x.cast", wrapping: device, clock: device, timestamp: 0, title: "")
        } catch {
            #expect("\(error)" == "cannot write /nonexistent/dir/x.cast: No such file or directory")
        }
    }

    /// A full disk fails on the flush: the recorder says the cast is incomplete.
    @Test func aCastToAFullDiskReportsTheFailure() throws {
        let device = FakeDevice(width: 80, height: 24, script: [(100, .key(.char("q")))])
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 2))
        let recorder = try CastRecorder(path: "/dev/full", wrapping: device, clock: device, timestamp: 0, title: "")
        _ = TerminalUI.run(UIState(), session: session, device: recorder, clock: device)
        #expect(recorder.finish()?.hasPrefix("cannot write /dev/full") == true)
    }

    /// The lesson-1 cast in the repository (made by `tabsim learn 1 --cast`) is a valid v2 cast.
    @Test func theRepositorysLessonCastIsAV2Cast() throws {
        let url = RecordReplayTests.examples.appendingPathComponent("casts/lesson-1.cast")
        let cast = try ParsedCast(try String(contentsOf: url, encoding: .utf8))
        cast.expectValidV2()
        let screen = try cast.finalScreen()
        #expect(screen.text.contains("Traffic log") || screen.text.contains("sequence"), "\(screen.text)")
    }
}
