import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// Quitting without `--record` keeps the session in a temporary file of its own, written by the
/// scenario writer `w` uses, that `tabsim run` replays.
@Suite struct KeptSessionTests {
    @Test func theSessionIsKeptInANewFileThatReplays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-kept-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try Harness(seed: 9)
        h.run(ms: 1500)
        h.send(.cycleTheme)
        h.send(.concurrentFieldEdit)
        h.run(ms: 800)
        let kept = try KeptSession.keep(h.session, in: dir)
        let again = try KeptSession.keep(h.session, in: dir + "/")
        #expect(kept.path != again.path, "each session its own file")
        #expect(kept.path.hasPrefix(dir + "/tabsim-session-seed9-") && kept.path.hasSuffix(".yaml"))
        #expect(kept.actions == 3 + 1 + 2, "three tabs opened, t, X's two edits")
        let text = try String(contentsOfFile: kept.path, encoding: .utf8)
        h.send(.save)
        #expect(text == h.written[try #require(h.state.recordPath)], "the same writer as w")
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: text, file: kept.path))
        let results = try player.playToEnd()
        #expect(!results.isEmpty && results.allSatisfy(\.passed))
        #expect(player.simulation.describeTabs() == h.sim.describeTabs())
    }

    @Test func aDirectoryThatCannotHoldItIsNamed() throws {
        let h = try Harness()
        #expect(throws: UIError.self) { try KeptSession.keep(h.session, in: "/nonexistent/dir") }
        do { _ = try KeptSession.keep(h.session, in: "/nonexistent/dir") } catch {
            #expect("\(error)" == "cannot create a file in /nonexistent/dir: No such file or directory")
        }
    }
}
