import Foundation
import TabsimTestSupport
import Testing

/// What a scenario file writes (tab names, `say:` lines, keys and values, injected frames and the
/// tab ids in them) reaches `tabsim run`'s output escaped: no control character, C1 control or bidi
/// override gets to the terminal, and a value stays on its line.
@Suite struct HostileTextTests {
    /// ESC, BEL, OSC 52 (the clipboard), 8-bit CSI, a bidi override and a newline that would forge a line.
    static let scenario = #"""
        name: "Hostile \e[2J text"
        seed: 3
        config: {channelName: x, throttleMs: 0}
        steps:
          - {at: 0ms, open: {tab: "A\e[31m", state: {theme: light}}}
          - {at: 10ms, open: {tab: B, state: {theme: light}}}
          - {at: 100ms, say: "\e]52;c;aGk=\a clipboard \x9b2J \u202Eevil\nPASS forged"}
          - {at: 200ms, set: {tab: B, "k\ey": "\x9b31m\u202Ered"}}
          - {at: 300ms, inject: {raw: '{"type":"TAB_PING","tabId":"\u001b[2J\u009b","timestamp":1}'}}
          - {at: 400ms, expect: {state: {tab: B, theme: "\e]0;x\a"}}}
        """#

    /// True when `text` holds nothing a terminal would act on but its own newlines.
    static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x0A: false
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }

    @Test func runEscapesNamesSayTextValuesFramesAndVerdicts() async throws {
        let file = try Tabsim.temporaryFile(Self.scenario)
        let r = try await Tabsim.run(["run", file])
        #expect(r.status == 1, "\(r.err)")  // the expectation fails, on purpose: its FAIL line shows a value
        #expect(Self.isSafe(r.out), "\(r.out.debugDescription)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "# Hostile \\u{1b}[2J text (\(file), seed 3)")
        #expect(lines.contains { $0.hasPrefix("   0.000s A\\u{1b}[31m [Simulator] Opened A\\u{1b}[31m as ") })
        #expect(
            lines.contains(
                "   0.100s sim [Lesson] \\u{1b}]52;c;aGk=\\u{7} clipboard \\u{9b}2J \\u{202e}evil\\u{a}PASS forged"))
        #expect(!lines.contains { $0.hasPrefix("PASS forged") })
        #expect(lines.contains { $0.hasSuffix(#"Received: TAB_PING from \u{1b}[2J\u{9b}"#) })
        #expect(lines.contains { $0.hasSuffix(#"Applied remote state from 4iyatr ['k\u{1b}y']"#) })
        #expect(lines.contains(#"FAIL 0.400s (line 10) B holds {"theme":"\u001b]0;x\u0007"}: found {"theme":"light"}"#))
    }

    @Test func runJSONStaysValidJSONWithTheSameValues() async throws {
        let file = try Tabsim.temporaryFile(Self.scenario)
        let r = try await Tabsim.run(["run", "--json", file])
        #expect(Self.isSafe(r.out), "\(r.out.debugDescription)")
        var said: [String] = []
        for line in r.out.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let text = object["line"] as? String, text.hasPrefix("[Lesson] ") { said.append(text) }
        }
        #expect(said == ["[Lesson] \u{1b}]52;c;aGk=\u{07} clipboard \u{9b}2J \u{202e}evil\nPASS forged"])
    }

    @Test func errorsEscapeWhatTheFileWrote() async throws {
        let file = try Tabsim.temporaryFile(
            #"""
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, kill: "\e]52;c;aGk=\a"}
            """#)
        let r = try await Tabsim.run(["run", file])
        #expect(r.status == 2)
        #expect(Self.isSafe(r.err), "\(r.err.debugDescription)")
        #expect(r.err.contains(#"unknown tab '\u{1b}]52;c;aGk=\u{7}'"#), "\(r.err)")
    }
}
