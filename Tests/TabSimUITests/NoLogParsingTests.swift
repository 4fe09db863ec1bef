import Foundation
import Testing

/// Views read the simulator's facts (`SimEvent.fact`), never its log text: a view that parsed a
/// line would break when its wording changes, and formatting it to parse it is wasted work. This
/// lint reads the view layers' sources (the terminal UI and the executable) and fails on
/// (1) a log tag or the wording of a line in a string literal (`"[Simulator] "`, `"Opened "`...),
/// the words a parser would look for, and (2) a line or text inspected as a string
/// (`.line.hasPrefix`, `line.split`, `event.text.firstIndex`...). The formatting itself lives in
/// `SimEvent.swift` (the simulator) and `SyncEvent.debugText` (the engine), outside what is read.
struct NoLogParsingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The real tabs' files (another engineer's part of issue 23): their log arrives as text from
    /// the live processes until they hand typed events to `LiveScreen`.
    static let exempt: Set<String> = [
        "LiveTab.swift", "TabCommand.swift", "WatchCommand.swift", "ChildTab.swift",
        "LiveRoundTrips.swift", "LiveScreenRunner.swift",
    ]

    static let wording = [
        "\"[Simulator]", "\"[Network]", "\"[User]", "\"[Lesson]", "\"[Prompt]", "\"[Check]", "\"[BroadcastSync",
        "\"Opened ", "\"Received: ", "\"Sent: ", "\"Applied remote", "\"Role ", "\"Killed ", "\"Closed ", "\"Froze ",
        "\"Thawed ", "\"Partition ", "\"Cut off ", "\"Healed", "\"Network ", "\"Lost ",
    ]

    static let inspection = try! NSRegularExpression(
        pattern:
            #"(\bline|\.text)\s*\.\s*(hasPrefix|hasSuffix|contains|split|firstIndex|lastIndex|dropFirst|starts|range|components)\b"#
    )

    static func viewSources() throws -> [(name: String, text: String)] {
        var out: [(String, String)] = []
        for dir in ["Sources/TabSimUI", "Sources/tabsim"] {
            let url = root.appendingPathComponent(dir)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            where name.hasSuffix(".swift") && !exempt.contains(name) {
                out.append(
                    ("\(dir)/\(name)", try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)))
            }
        }
        return out
    }

    @Test func noViewSpellsTheWordingOfALogLine() throws {
        let sources = try Self.viewSources()
        #expect(sources.count > 20)
        for (name, text) in sources {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for word in Self.wording where line.contains(word) {
                    Issue.record("\(name):\(n + 1) spells a log line's wording \(word): read SimEvent.fact instead")
                }
            }
        }
    }

    @Test func noViewInspectsALineAsAString() throws {
        for (name, text) in try Self.viewSources() {
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let s = String(line)
                if Self.inspection.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil {
                    Issue.record("\(name):\(n + 1) inspects a line as text: \(s.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
    }

    /// The lint finds what it looks for (a check that passes on anything proves nothing).
    @Test func theLintCatchesTheParsingItForbids() {
        let parsing = #"if e.line.hasPrefix("[Simulator] Opened ") { ids[e.line.split(separator: " ").last!] = e.tab }"#
        #expect(Self.wording.contains { parsing.contains($0) })
        #expect(Self.inspection.firstMatch(in: parsing, range: NSRange(parsing.startIndex..., in: parsing)) != nil)
        // How the live screens coloured their lines before `LiveLogLine` (LivePresenter.style(of:)).
        let colouring = #"if line.contains("STATE_") { return CellStyle(.logState) }"#
        #expect(
            Self.inspection.firstMatch(in: colouring, range: NSRange(colouring.startIndex..., in: colouring)) != nil)
    }
}
