import Foundation
import Testing
import TabSync
@testable import TabSimulator

/// The guided lessons of Examples/lessons/: each passes headless with its narration in the log,
/// and the `say`/`prompt` steps behave as the format says.
@Suite struct LessonTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/lessons")
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }

    @Test func sixLessonsAtLeastEachOpeningWithAComment() throws {
        #expect(Self.files.count >= 6)
        let titles = try Lesson.catalog(files: Self.files).map(\.title)
        #expect(
            titles.prefix(6) == [
                "The leader dies", "A graceful handover", "Split brain in a partition, and healing",
                "A frozen leader wakes up", "A new tab joins and gets the state",
                "A concurrent edit under each strategy",
            ])
        for path in Self.files {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("# Lesson"), "\(path) should open with a comment saying what it teaches")
        }
    }

    @Test(arguments: files)
    func lessonPassesHeadlessWithItsNarrationInTheLog(_ path: String) throws {
        let scenario = try ScenarioParser.load(path: path)
        let player = try ScenarioPlayer(scenario: scenario)
        let results = try player.playToEnd()
        #expect(results.count >= 3)
        for r in results where !r.passed { Issue.record("\(path): \(r.text)") }
        let lesson = Lesson(number: 1, scenario: scenario)
        let logged = player.simulation.log.events.filter {
            $0.line.hasPrefix("[Lesson] ") || $0.line.hasPrefix("[Prompt] ")
        }
        #expect(lesson.narration.count >= 4)
        #expect(logged.count == lesson.narration.count)
        #expect(logged.contains { $0.line.hasPrefix("[Prompt] Press ") }, "each lesson asks the learner to act")
    }

    static let yaml = """
        name: Prompted
        steps:
          - {at: 0ms, open: A}
          - {at: 1s, say: "A is alone."}
          - {at: 2s, prompt: {key: k, text: "Kill A"}}
          - {at: 2s, kill: A}
          - {at: 3s, expect: {leaders: 0}}
        """

    @Test func sayAndPromptParseAndAreLoggedHeadless() throws {
        let s = try ScenarioParser.parse(yaml: Self.yaml, file: "p.yaml")
        guard case .action(.prompt(let key, let text)) = s.steps[2].kind else {
            Issue.record("not a prompt")
            return
        }
        #expect(key == "k" && text == "Kill A")
        let player = try ScenarioPlayer(scenario: s)
        #expect(try player.playToEnd().allSatisfy(\.passed))
        let lines = player.simulation.log.events.filter { $0.tab == "sim" }.map(\.text)
        #expect(lines.contains("   1.000s sim [Lesson] A is alone."))
        #expect(lines.contains("   2.000s sim [Prompt] Press k: Kill A (headless: going on)"))
    }

    @Test func anInteractivePlayerStopsAtAPromptUntilItIsAnswered() throws {
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: Self.yaml, file: "p.yaml"))
        player.pausesAtPrompts = true
        try player.advance(toMs: 5000)
        #expect(player.waitingPrompt?.key == "k")
        #expect(player.simulation.nowMs == 2000, "time stands still at the prompt")
        #expect(player.simulation.tab(named: "A")?.liveness == .alive, "the prompted action waits")
        try player.advance(toMs: 6000)
        #expect(player.simulation.nowMs == 2000)
        player.answerPrompt()
        try player.advance(toMs: 5000)
        #expect(player.waitingPrompt == nil)
        #expect(player.simulation.tab(named: "A")?.liveness == .crashed)
        #expect(player.results.map(\.passed) == [true])
    }

    @Test func badPromptsNameTheLine() {
        let bad = "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, prompt: {key: k}}\n"
        #expect { try ScenarioParser.parse(yaml: bad, file: "bad.yaml") } throws: { error in
            "\(error)" == "bad.yaml:3: prompt takes {key, text}"
        }
    }
}
