import TabSync

/// A guided lesson: a scenario file with narration (`say`) and prompts (`prompt`), numbered in the
/// order of its file name. The lessons of this package are built in (`Lesson.builtIn()`); a folder
/// or a file of one's own works the same way.
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

    /// What a learner's answer to the menu's "Lesson number" picks.
    public enum Choice: Equatable {
        case lesson(Lesson)
        /// An empty answer: the learner leaves.
        case quit
        /// No lesson by that answer: the menu says why and asks again.
        case invalid(String)

        public static func == (a: Choice, b: Choice) -> Bool {
            switch (a, b) {
            case (.lesson(let x), .lesson(let y)): x.number == y.number && x.file == y.file
            case (.quit, .quit): true
            case (.invalid(let x), .invalid(let y)): x == y
            default: false
            }
        }
    }

    /// Reads a menu answer: a lesson's number, or nothing to quit; anything else is invalid.
    public static func choice(_ answer: String, in catalog: [Lesson]) -> Choice {
        let words = answer.split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return .quit }
        let trimmed = words.joined(separator: " ")
        guard let number = Int(trimmed), let lesson = catalog.first(where: { $0.number == number }) else {
            return .invalid("no lesson '\(trimmed)': type a number from 1 to \(catalog.count), or Enter to quit")
        }
        return .lesson(lesson)
    }

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
