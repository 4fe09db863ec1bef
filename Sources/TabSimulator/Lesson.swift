import TabSync

/// A guided lesson: a scenario file of `Examples/lessons/` with narration (`say`) and prompts
/// (`prompt`), numbered in the order of its file name.
public struct Lesson {
    /// From 1, as `tabsim learn N` takes it.
    public let number: Int
    public let scenario: Scenario

    public init(number: Int, scenario: Scenario) {
        self.number = number
        self.scenario = scenario
    }

    public var title: String { scenario.name }
    public var file: String { scenario.file }

    /// What the learner reads: a narration, or a prompt to act.
    public enum Line: Equatable, Sendable {
        case say(String)
        case prompt(LessonPrompt)
    }

    /// The narration and prompts, in file order, each with its time: every `say` of one instant
    /// is there, in order.
    public var narration: [(atMs: Milliseconds, line: Line)] {
        scenario.steps.compactMap { step in
            switch step.kind {
            case .action(.say(let text)): (step.atMs, .say(text))
            case .action(.prompt(let prompt)): (step.atMs, .prompt(prompt))
            default: nil
            }
        }
    }

    /// `1. The leader dies`: the line `tabsim learn --list` prints.
    public var listLine: String { "\(number). \(title)" }

    /// Parses lesson files, numbered in the order of their names. Fails on the first file that
    /// cannot be used, naming it, the line and the problem.
    public static func catalog(files: [String]) throws(ScenarioError) -> [Lesson] {
        var lessons: [Lesson] = []
        for (i, file) in files.sorted().enumerated() {
            lessons.append(Lesson(number: i + 1, scenario: try ScenarioParser.load(path: file)))
        }
        return lessons
    }
}
