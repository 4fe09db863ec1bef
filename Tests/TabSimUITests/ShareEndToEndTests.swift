import Foundation
import TabsimTestSupport
import Testing

/// Sharing a session with the real binary under tmux: the cast `--cast` writes, the screenshot key,
/// and the session kept without `--record` (deadlines as in `EndToEndTests`: generous, never a
/// measure of speed).
@Suite(.serialized) struct ShareEndToEndTests {
    static let tmux = EndToEndTests.tmux

    /// A fresh directory for one test's files, removed after.
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tabsim-share-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The first `rows` lines of a tmux capture, each right-stripped.
    static func trimmed(_ capture: String, rows: Int) -> String {
        capture.split(separator: "\n", omittingEmptySubsequences: false).prefix(rows)
            .map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
    }

    /// Quit without `--record`: the exit lines name the temporary file the session was kept in, and
    /// the command that replays it; the file replays with every expectation holding.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func quittingWithoutRecordKeepsTheSessionAndPrintsItsReplay() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try await EndToEndTests.Session.start(
            tmux: Self.tmux!, command: "cd \(dir) && TMPDIR=\(dir) \(Tabsim.binary) --seed 5", width: 200, height: 30)
        await s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        try await s.keys("t")
        await s.waitFor("the theme set") { $0.contains("A: theme dark") }
        try await s.keys("X")
        await s.waitFor("the field edit") { $0.contains("at the same instant") }
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        let final = await s.waitFor("the exit lines") { $0.contains("Replay: tabsim run") }
        let line = try #require(final.split(separator: "\n").first { $0.contains("session kept in") })
        let path = try #require(line.split(separator: " ").first { $0.hasPrefix(dir + "/tabsim-session-seed5-") })
        #expect(line.hasSuffix("Replay: tabsim run \(path)"), "\(line)")
        #expect(final.contains("start the same way with: tabsim --seed 5"))
        let yaml = try String(contentsOfFile: String(path), encoding: .utf8)
        #expect(yaml.contains("set: {tab: \"A\", \"theme\": \"dark\"}") && yaml.contains("\"settings\""))
        let replay = try await Tabsim.run(["run", "--quiet", String(path)])
        #expect(replay.status == 0, "tabsim run \(path): \(replay.err)")
    }

    /// `--cast` writes a v2 cast of what was drawn, that plays back to the screen tmux showed last;
    /// `S` saves that screen as text and SVG in the current directory.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func castAndScreenshotOfARealSession() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cast = dir + "/demo.cast"
        let s = try await EndToEndTests.Session.start(
            tmux: Self.tmux!, command: "cd \(dir) && \(Tabsim.binary) --seed 2 --cast \(cast)", width: 120, height: 30)
        await s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        try await s.keys(" ")  // paused: the screen stands still, so the one tmux shows is the last drawn
        let paused = await s.waitFor("paused") { $0.contains("PAUSED") || $0.contains("paused") }
        try await s.keys("S")
        let afterShot = await s.waitFor("the screenshot") { $0.contains("saved the screen to") }
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        // The exit line, however tmux wraps it.
        let final = await s.waitFor("the exit lines") {
            $0.replacingOccurrences(of: "\n", with: "").contains("Play: asciinema play \(cast)")
        }
        #expect(final.replacingOccurrences(of: "\n", with: "").contains("cast written to \(cast) ("))
        let parsed = try ParsedCast(try String(contentsOfFile: cast, encoding: .utf8))
        parsed.expectValidV2()
        #expect(parsed.header["width"] as? Int == 120 && parsed.header["height"] as? Int == 30)
        // Played back, the cast shows what tmux showed (tmux leaves the bottom-right cell alone too).
        #expect(try parsed.finalScreen().text == Self.trimmed(afterShot, rows: 30))
        // The screenshot: the screen as it was when S was pressed.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        let text = try #require(files.first { $0.hasPrefix("tabsim-screen-seed2-") && $0.hasSuffix(".txt") })
        let svg = try #require(files.first { $0.hasPrefix("tabsim-screen-seed2-") && $0.hasSuffix(".svg") })
        let shot = try String(contentsOfFile: dir + "/" + text, encoding: .utf8)
        // The screenshot holds every cell; the terminal leaves the bottom-right one alone.
        var shown = Self.trimmed(paused, rows: 30).split(separator: "\n", omittingEmptySubsequences: false)
        var saved = shot.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(saved.count == 30 && shown.count == 30)
        let lastSaved = saved.popLast() ?? ""
        let lastShown = shown.popLast() ?? ""
        #expect(saved == shown)
        #expect(lastSaved.hasPrefix(lastShown) && lastSaved.count <= lastShown.count + 1)
        #expect(try String(contentsOfFile: dir + "/" + svg, encoding: .utf8).hasPrefix("<?xml"))
    }
}
