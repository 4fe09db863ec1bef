import Foundation
import Testing
import TabSync
@testable import TabSimulator

/// The guided lessons (built into the binary from Sources/TabSimulator/Lessons/, also reachable as
/// Examples/lessons/): each passes headless with its narration in the log, and the `say`/`prompt`
/// steps behave as the format says.
@Suite struct LessonTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/TabSimulator/Lessons")
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

    @Test func theBuiltInLessonsAreTheLessonFilesOfTheSources() throws {
        let builtIn = try Lesson.builtIn()
        #expect(builtIn.map(\.title) == (try Lesson.catalog(files: Self.files)).map(\.title))
        #expect(builtIn.map(\.number) == Array(1...Self.files.count))
        for (lesson, path) in zip(builtIn, Self.files) {
            #expect(
                try String(contentsOfFile: lesson.file, encoding: .utf8)
                    == String(contentsOfFile: path, encoding: .utf8),
                "\(lesson.file) is a stale copy of \(path)")
        }
    }

    @Test func aFolderWithoutLessonsIsAnErrorNamingIt() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-lessons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect { try Lesson.catalog(folder: empty.path) } throws: { error in
            "\(error)" == "\(empty.path): no lesson files (*.yaml) in this folder"
        }
        #expect { try Lesson.catalog(folder: empty.path + "/missing") } throws: { error in
            "\(error)" == "\(empty.path)/missing: cannot read the folder of lessons"
        }
    }

    @Test(arguments: files)
    func lessonPassesHeadlessWithItsNarrationInTheLog(_ path: String) throws {
        let scenario = try ScenarioParser.load(path: path)
        let player = try ScenarioPlayer(scenario: scenario)
        let results = try player.playToEnd()
        #expect(results.count >= 6, "each lesson checks its story (who led, who answered, when)")
        for r in results where !r.passed { Issue.record("\(path): \(r.text)") }
        let lesson = Lesson(number: 1, scenario: scenario)
        let logged = player.simulation.log.events.filter {
            $0.line.hasPrefix("[Lesson] ") || $0.line.hasPrefix("[Prompt] ")
        }
        #expect(lesson.narration.count >= 4)
        #expect(logged.count == lesson.narration.count)
        #expect(logged.contains { $0.line.hasPrefix("[Prompt] ") }, "each lesson asks the learner to act")
    }

    /// Lesson 2 says two things at 8 s: both are the lesson's narration, in order.
    @Test func sayStepsOfOneInstantAreAllNarration() throws {
        let lesson = try Lesson.catalog(files: Self.files)[1]
        let at8 = lesson.narration.filter { $0.atMs == 8000 }.map(\.line)
        #expect(at8.count == 2)
        guard case .say(let first) = at8.first, case .say(let second) = at8.last else {
            Issue.record("not two says: \(at8)")
            return
        }
        #expect(first.hasPrefix("B read the goodbye"))
        #expect(second.hasPrefix("B sent only the one LEADER_ELECTION"))
    }

    /// A narration that names the strategy (`Strategy last-write-wins: ...`) is said while that
    /// strategy is the one in force: the prompts that switch strategies and the story agree.
    @Test(arguments: files)
    func aNarrationNamingTheStrategyIsSaidUnderIt(_ path: String) throws {
        let scenario = try ScenarioParser.load(path: path)
        let player = try ScenarioPlayer(scenario: scenario)
        var strategies: [(said: String, inForce: ConflictStrategy)] = []
        player.simulation.onEvent = { [unowned sim = player.simulation] event in
            guard case .narration(let text) = event.fact, text.hasPrefix("Strategy ") else { return }
            strategies.append((text, sim.options.config.conflictStrategy))
        }
        _ = try player.playToEnd()
        for (said, inForce) in strategies {
            let named = said.dropFirst("Strategy ".count).prefix { !".:,;".contains($0) }
            #expect(named == inForce.rawValue, "\(path): '\(said)' said under \(inForce.rawValue)")
        }
    }

    static let yaml = """
        name: Prompted
        steps:
          - {at: 0ms, open: A}
          - {at: 1s, say: "A is alone."}
          - {at: 2s, prompt: {action: kill, tab: A, text: "Kill A"}}
          - {at: 3s, expect: {leaders: 0}}
        """

    @Test func sayAndPromptParseAndThePromptActsHeadless() throws {
        let s = try ScenarioParser.parse(yaml: Self.yaml, file: "p.yaml")
        guard case .action(.prompt(let prompt)) = s.steps[2].kind else {
            Issue.record("not a prompt")
            return
        }
        #expect(prompt == LessonPrompt(action: .kill, tab: "A", text: "Kill A"))
        let player = try ScenarioPlayer(scenario: s)
        #expect(try player.playToEnd().allSatisfy(\.passed))
        let lines = player.simulation.log.events.filter { $0.tab == "sim" }.map(\.text)
        #expect(lines.contains("   1.000s sim [Lesson] A is alone."))
        #expect(lines.contains("   2.000s sim [Prompt] kill A: Kill A (headless: the lesson does it)"))
        #expect(player.simulation.tab(named: "A")?.liveness == .crashed)
    }

    @Test func anInteractivePlayerStopsAtAPromptAndTheAnswerActsOnce() throws {
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: Self.yaml, file: "p.yaml"))
        player.pausesAtPrompts = true
        try player.advance(toMs: 5000)
        #expect(player.waitingPrompt?.action == .kill)
        #expect(player.simulation.nowMs == 2000, "time stands still at the prompt")
        #expect(player.simulation.tab(named: "A")?.liveness == .alive, "the prompted action waits")
        try player.advance(toMs: 6000)
        #expect(player.simulation.nowMs == 2000)
        try player.answerPrompt()
        #expect(player.waitingPrompt == nil)
        #expect(player.simulation.tab(named: "A")?.liveness == .crashed, "the answer carries the action out")
        try player.advance(toMs: 5000)
        #expect(player.results.map(\.passed) == [true])
        let kills = player.simulation.log.events.filter {
            if case .action(.kill("A"), _) = $0.fact { true } else { false }
        }
        #expect(kills.count == 1, "the action happens once")
        let prompts = player.performed.filter { if case .action(.prompt) = $0.kind { true } else { false } }
        #expect(prompts.map(\.atMs) == [2000], "a recording holds the prompt once, where it was answered")
    }

    @Test func anAnswerWhoseActionCannotBeDoneNamesThePromptsLineAndTheLessonGoesOn() throws {
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: Self.yaml, file: "p.yaml"))
        player.pausesAtPrompts = true
        try player.advance(toMs: 2000)
        try player.apply(.kill("A"))  // the learner killed A with its key before answering
        #expect { try player.answerPrompt() } throws: { error in
            "\(error)" == "p.yaml:5: tab A is crashed"
        }
        #expect(player.waitingPrompt == nil)
        try player.advance(toMs: 5000)
        #expect(player.results.map(\.passed) == [true])
    }

    @Test func aPromptToSwitchStrategyTakesTheNextOneAsTheUIKeyDoes() throws {
        let yaml = """
            config: {channelName: s, conflictStrategy: merge}
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, prompt: {action: strategy, text: "Next"}}
              - {at: 2s, prompt: {action: strategy, text: "Next"}}
            """
        let player = try ScenarioPlayer(scenario: try ScenarioParser.parse(yaml: yaml, file: "s.yaml"))
        try player.advance(toMs: 1000)
        #expect(player.simulation.options.config.conflictStrategy == .custom)
        #expect(player.simulation.options.config.customResolver != nil)
        try player.advance(toMs: 2000)
        #expect(player.simulation.options.config.conflictStrategy == .arrivalOrder)
    }

    @Test(arguments: [
        ("{key: k, text: Kill}", "3: prompt names the UI action, not a key: use {action, tab, text} (actions: "),
        ("{action: kill, text: Kill}", "3: prompt to kill needs 'tab'"),
        ("{action: press, tab: A, text: Kill}", "3: unknown prompt action 'press' (known: open, close, kill, "),
        ("{action: strategy, tab: A, text: Next}", "3: prompt to strategy takes no 'tab': it acts on every tab"),
        ("{action: kill, tab: B, text: Kill}", "3: unknown tab 'B' (opened so far: A)"),
        ("{action: open, tab: A, text: Open}", "3: tab 'A' is opened twice (use reopen after close or kill)"),
        ("{action: kill, tab: A}", "3: prompt takes {action, tab, text}"),
    ])
    func badPromptsNameTheLineAndTheProblem(_ prompt: String, _ message: String) {
        let bad = "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, prompt: \(prompt)}\n"
        #expect { try ScenarioParser.parse(yaml: bad, file: "bad.yaml") } throws: { error in
            "\(error)".hasPrefix("bad.yaml:" + message)
        }
    }

    @Test func aPromptToOpenATabOpensItForTheStepsAfter() throws {
        let yaml = """
            initialState: {theme: light}
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, prompt: {action: open, tab: B, text: "Open B"}}
              - {at: 3s, expect: {state: {tab: B, theme: light}}}
            """
        let s = try ScenarioParser.parse(yaml: yaml, file: "o.yaml")
        let player = try ScenarioPlayer(scenario: s)
        #expect(try player.playToEnd().allSatisfy(\.passed))
        #expect(player.simulation.tabs.map(\.name) == ["A", "B"])
    }

    @Test func aRecordedPromptReadsBackTheSame() throws {
        let s = try ScenarioParser.parse(yaml: Self.yaml, file: "p.yaml")
        let text = try ScenarioWriter.yaml(s, comment: [])
        #expect(text.contains(#"prompt: {action: kill, tab: "A", text: "Kill A"}"#))
        let again = try ScenarioParser.parse(yaml: text, file: "again.yaml")
        guard case .action(.prompt(let prompt)) = again.steps[2].kind else {
            Issue.record("not a prompt")
            return
        }
        #expect(prompt == LessonPrompt(action: .kill, tab: "A", text: "Kill A"))
    }

    @Test func theMenuAsksAgainUntilAnAnswerNamesALesson() throws {
        let catalog = try Lesson.catalog(files: Self.files)
        #expect(Lesson.choice("3", in: catalog) == .lesson(catalog[2]))
        #expect(Lesson.choice("  2 \n", in: catalog) == .lesson(catalog[1]))
        #expect(Lesson.choice("", in: catalog) == .quit)
        #expect(Lesson.choice("   ", in: catalog) == .quit)
        let tooFar = "no lesson '\(catalog.count + 1)': type a number from 1 to \(catalog.count), or Enter to quit"
        #expect(Lesson.choice("\(catalog.count + 1)", in: catalog) == .invalid(tooFar))
        #expect(
            Lesson.choice("two", in: catalog)
                == .invalid("no lesson 'two': type a number from 1 to \(catalog.count), or Enter to quit"))
        #expect(
            Lesson.choice("0", in: catalog)
                == .invalid("no lesson '0': type a number from 1 to \(catalog.count), or Enter to quit"))
    }
}
