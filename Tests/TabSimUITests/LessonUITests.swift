import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// A lesson in the UI: `say:` in a banner, `prompt:` stops time until its key (or space).
@Suite struct LessonUITests {
    static let lesson1 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/lessons/01-the-leader-dies.yaml")

    func lesson() throws -> Harness {
        try Harness(scenario: try ScenarioParser.load(path: Self.lesson1.path), pausesAtPrompts: true)
    }

    func banner(_ h: Harness) -> [String] {
        guard case .main(let main) = h.frame.content else { return [] }
        return main.banner
    }

    @Test func sayShowsInABanner() throws {
        let h = try lesson()
        h.run(ms: 1000)
        #expect(banner(h).first?.hasPrefix("» Three tabs share one channel.") == true)
        #expect(h.screen.line(Layout.paneHeight + 1).contains("» Three tabs share one channel."))
        h.run(ms: 2500)
        #expect(banner(h).first?.hasPrefix("» B and C ran for election too") == true)
    }

    @Test func aPromptStopsTimeUntilItsKeyThenTheLessonActs() throws {
        let h = try lesson()
        h.run(ms: 9000)
        #expect(h.sim.nowMs == 8000)  // time stands still at the prompt
        #expect(h.state.promptKey == "k")
        #expect(banner(h).joined(separator: " ").hasPrefix("▶ Press k: Kill the leader"))
        h.run(ms: 5000)
        #expect(h.sim.nowMs == 8000)
        #expect(h.sim.tab(named: "A")?.liveness == .alive)
        #expect(KeyBinding.action(for: .char("x"), in: h.state) == .concurrentEdit)  // other keys act as usual
        #expect(KeyBinding.action(for: .char("k"), in: h.state) == .answerPrompt)
        h.send(.answerPrompt)
        #expect(h.state.promptKey == nil)
        h.run(ms: 10)
        #expect(h.sim.tab(named: "A")?.liveness == .crashed)  // the lesson killed A
        h.run(ms: 12_000)
        #expect(h.session.player.isFinished)
        #expect(!h.session.player.results.isEmpty)
        let results = h.session.player.results
        #expect(results.allSatisfy { $0.passed }, "\(results.map(\.text))")
    }

    @Test func spaceLetsTheLessonActAndRewindReplaysTheAnswer() throws {
        let h = try lesson()
        h.run(ms: 9000)
        #expect(KeyBinding.action(for: .char(" "), in: h.state) == .answerPrompt)
        h.send(.answerPrompt)
        h.run(ms: 4000)
        #expect(h.sim.nowMs == 12_000)
        h.send(.togglePause)
        h.send(.jumpBack)  // 2 s: before the prompt
        #expect(h.sim.nowMs == 2000)
        #expect(h.sim.tab(named: "A")?.liveness == .alive)
        h.send(.jumpForward)
        h.send(.jumpForward)  // to 22 s, through the prompt, answered as before
        #expect(h.sim.nowMs == 22_000)
        #expect(h.sim.tab(named: "A")?.liveness == .crashed)
        let results = h.session.player.results
        #expect(results.allSatisfy { $0.passed })
    }
}
