import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// A lesson in the UI: `say:` in the narration panel, `prompt:` stops time until the key the key table binds
/// to its action is pressed on its tab (or space), and then the prompt's action happens once.
@Suite struct LessonUITests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/TabSimulator/Lessons")
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }

    func lesson(_ number: Int = 1) throws -> Harness {
        try Harness(scenario: try ScenarioParser.load(path: Self.files[number - 1]), pausesAtPrompts: true)
    }

    /// The narration panel's lines under its heading.
    func banner(_ h: Harness) -> [String] {
        guard case .main(let main) = h.frame.content else { return [] }
        return Array(main.banner.dropFirst())
    }

    /// How many times the log says the world did `action`.
    func count(_ action: Scenario.Action, in h: Harness) -> Int {
        h.sim.log.events.count { if case .action(let a, _) = $0.fact { a == action } else { false } }
    }

    @Test func sayShowsInABanner() throws {
        let h = try lesson()
        h.run(ms: 1000)
        #expect(banner(h).first?.hasPrefix("» Three tabs share one channel.") == true)
        #expect(h.screen.line(Layout.paneHeight + 2).contains("» Three tabs share one channel."))
        h.run(ms: 2500)
        #expect(banner(h).first?.hasPrefix("» B and C ran for election too") == true)
    }

    @Test func aPromptStopsTimeUntilItsKeyOnItsTabThenItsActionHappensOnce() throws {
        let h = try lesson()
        h.run(ms: 9000)
        #expect(h.sim.nowMs == 8000)  // time stands still at the prompt
        #expect(h.state.promptKey == "k" && h.state.promptTab == 0)
        #expect(banner(h).joined(separator: " ").hasPrefix("▶ Press k on tab A: Kill the leader A."))
        #expect(banner(h).joined(separator: " ").contains("» Every second A sends a HEARTBEAT."))  // the context stays
        h.run(ms: 5000)
        #expect(h.sim.nowMs == 8000)
        #expect(h.sim.tab(named: "A")?.liveness == .alive)
        #expect(KeyBinding.action(for: .char("x"), in: h.state) == .concurrentEdit)  // other keys act as usual
        h.send(.select(1))
        #expect(KeyBinding.action(for: .char("k"), in: h.state) == nil)  // not on B: the banner says where
        #expect(banner(h).joined(separator: " ").hasPrefix("▶ Select tab A (key 1), then press k: Kill the leader"))
        h.send(.select(0))
        #expect(KeyBinding.action(for: .char("k"), in: h.state) == .answerPrompt)
        h.send(.answerPrompt)
        #expect(h.state.promptKey == nil)
        #expect(h.sim.tab(named: "A")?.liveness == .crashed)  // the answer killed A, at the prompt's instant
        #expect(h.state.message == "the lesson goes on")
        h.run(ms: 12_000)
        #expect(count(.kill("A"), in: h) == 1)
        #expect(h.session.player.isFinished)
        let results = h.session.player.results
        #expect(!results.isEmpty && results.allSatisfy { $0.passed }, "\(results.map(\.text))")
    }

    @Test func spaceLetsTheLessonActAndRewindReplaysTheAnswer() throws {
        let h = try lesson()
        h.run(ms: 9000)
        h.send(.select(2))
        #expect(KeyBinding.action(for: .char(" "), in: h.state) == .answerPrompt)  // space, whichever tab
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
        #expect(count(.kill("A"), in: h) == 1)
        let results = h.session.player.results
        #expect(results.allSatisfy { $0.passed })
    }

    /// Every lesson, played by the keys the screen shows: each prompt's action has a key in the key
    /// table, its tab is there to select (or, to open a tab, is the name the new-tab key gives), and
    /// the key on that tab answers it; the lesson's checks all pass.
    @Test(arguments: files)
    func everyLessonPlaysByTheKeysItsPromptsShow(_ path: String) throws {
        let h = try Harness(scenario: try ScenarioParser.load(path: path), pausesAtPrompts: true)
        var prompts = 0
        for _ in 0..<2000 where !h.session.player.isFinished {
            h.run(ms: 250)
            guard let prompt = h.session.waitingPrompt else { continue }
            prompts += 1
            guard let key = KeyBinding.key(for: prompt.action) else {
                Issue.record(
                    "\(path): no key is bound to \(prompt.action.uiAction), the UI action of \(prompt.actionText)")
                return
            }
            #expect(key != .char(" "), "space answers any prompt: it cannot be an action's key")
            if prompt.action == .open {
                let next = (0..<DemoSetup.maxTabs).map(DemoSetup.tabName).first { h.sim.tab(named: $0) == nil }
                #expect(prompt.tab == next, "\(path): the new-tab key would open \(next ?? "none")")
            }
            if let name = prompt.selectedTab {
                guard let i = h.sim.tabs.firstIndex(where: { $0.name == name }), h.sim.tabs[i].liveness.exists else {
                    Issue.record("\(path): \(prompt.actionText) at \(h.sim.nowMs) ms: no running or frozen tab \(name)")
                    return
                }
                h.send(.select(i))
            }
            #expect(h.state.promptKey == key.label)
            #expect(KeyBinding.action(for: key, in: h.state) == .answerPrompt, "\(path): \(prompt.actionText)")
            h.send(.answerPrompt)
            #expect(h.state.message == "the lesson goes on", "\(path): \(prompt.actionText): \(h.state.message)")
        }
        #expect(h.session.player.isFinished)
        #expect(prompts >= 1)
        let results = h.session.player.results
        #expect(results.count >= 6)
        for r in results where !r.passed { Issue.record("\(path): \(r.text)") }
    }

    /// Lesson 2 says two things at 8 s: the banner shows both.
    @Test func everySayOfOneInstantShowsInTheBanner() throws {
        let h = try lesson(2)
        for _ in 0..<100 where h.sim.nowMs < 8100 {
            h.run(ms: 100)
            if h.session.waitingPrompt != nil { h.send(.answerPrompt) }
        }
        let shown = banner(h).joined(separator: " ")
        #expect(shown.hasPrefix("» B read the goodbye"), "\(shown)")
        #expect(shown.contains("» B sent only the one LEADER_ELECTION"), "\(shown)")
        #expect(h.session.narration.count == 2)
    }

    /// Lesson 6's concurrent edit is the one the `x` key makes from the same tab at the same moment.
    @Test func aPromptedConcurrentEditIsTheKeysEdit() throws {
        #expect(LessonPrompt.themes == UIUpdate.themes)
        let byKey = try lesson(6)
        let byPrompt = try lesson(6)
        for h in [byKey, byPrompt] {
            h.run(ms: 4500)
            #expect(h.session.waitingPrompt?.action == .concurrentEdit)
        }
        byKey.send(.select(0))
        byKey.send(.concurrentEdit)  // the key's own action, sent past the prompt
        byPrompt.send(.select(0))
        byPrompt.send(.answerPrompt)
        let edits = { (h: Harness) in
            h.sim.log.events.compactMap { e -> String? in
                if case .action(.set(let tab, let values), _) = e.fact { "\(e.timeMs) \(tab) \(values)" } else { nil }
            }
        }
        #expect(edits(byKey).count == 2)
        #expect(edits(byKey) == edits(byPrompt))
        #expect(byPrompt.sim.tab(named: "A")?.state["theme"] == "dark")
        #expect(byPrompt.sim.tab(named: "B")?.state["theme"] == "system")
    }
}
