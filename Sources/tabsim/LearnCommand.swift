import ArgumentParser
import Foundation
import TabSimUI
import TabSimulator
import TabSync

/// `tabsim learn`: the guided lessons, built into the binary (or a folder or file of one's own).
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Guided lessons on leader election and state sync (built in; works from any directory).",
        discussion: """
            A lesson is a scenario file with narration (say:) and prompts (prompt:). Its narration
            stays in a panel over the log, time standing still, until you press space; ( and )
            scroll it, R reads the last one again. At a prompt time stands still until you do what
            it asks: the panel shows the key and the tab (WAITING for z (freeze tab A)); space lets
            the lesson do it. With --auto the lesson goes on by itself after a reading delay.
              tabsim learn                 the menu: pick a lesson by number
              tabsim learn 1               lesson 1 in the terminal UI
              tabsim learn 1 --auto        lesson 1 running on its own, as a demo
              tabsim learn --list          one numbered line per lesson
              tabsim learn my-lesson.yaml  a lesson file of your own
              tabsim learn 1 --cast l1.cast  and keep the screen as an asciinema cast
              tabsim learn --lessons DIR   the lessons of another folder
              tabsim run Examples/lessons/01-the-leader-dies.yaml    headless, narration in the log
            Without a terminal, learn N prints the lesson's narration instead.
            """
    )

    @Flag(help: "Print one numbered line per lesson.") var list = false
    @Flag(
        help: ArgumentHelp(
            "Run the lesson on its own, as a demo: each narration and prompt stays long enough to read "
                + "(2 s and 50 ms a character, at most 20 s), then the lesson goes on as space would."))
    var auto = false
    @Option(help: "A folder of lesson files (*.yaml) instead of the built-in lessons.") var lessons: String?
    @Argument(help: "The number of the lesson to open, or the path of a lesson file.") var lesson: String?
    @Option(
        help: ArgumentHelp(
            "Write an asciinema cast (format v2) of the lesson's screen as drawn to this file, in the wall time "
                + "you saw."))
    var cast: String?

    func run() throws {
        let catalog: [Lesson]
        do {
            catalog =
                try lessons.map { folder throws(ScenarioError) in try Lesson.catalog(folder: folder) }
                ?? Lesson.builtIn()
        } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        if list {
            for lesson in catalog { printLine(lesson.listLine) }
            return
        }
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        let chosen: Lesson
        if let lesson, Int(lesson) == nil {
            do { chosen = Lesson(number: 0, scenario: try ScenarioParser.load(path: lesson)) } catch {
                printError("tabsim: \(error)")
                throw ExitCode(2)
            }
        } else if let lesson, let number = Int(lesson), let found = catalog.first(where: { $0.number == number }) {
            chosen = found
        } else {
            if let lesson {
                let problem = "no lesson \(lesson) (lessons 1 to \(catalog.count); tabsim learn --list)"
                guard interactive else {
                    printError("tabsim: " + problem)
                    throw ExitCode(2)
                }
                printLine(problem)
            }
            printLine("Lessons:")
            for lesson in catalog { printLine("  " + lesson.listLine) }
            guard interactive else {
                printLine("Open one: tabsim learn N (in a terminal), or play it headless: tabsim run FILE.")
                return
            }
            guard let picked = Self.ask(catalog) else { return }
            chosen = picked
        }
        guard interactive else {
            printLine("Lesson " + (chosen.number > 0 ? chosen.listLine : chosen.title))
            printLine("File: \(chosen.file)")
            for (atMs, line) in chosen.narration { printLine(formatTime(atMs) + "  " + Self.text(line)) }
            printLine(
                "In a terminal this opens the lesson in the UI: each narration stays until space, "
                    + "each prompt waits for its key.")
            printLine("Headless: tabsim run \(chosen.file)")
            return
        }
        if let cast { try WritableFile.check(cast) }
        try Self.play(chosen, auto: auto, cast: cast)
    }

    /// Asks for a lesson number until one names a lesson; nil when the learner quits (Enter, or the
    /// end of input).
    static func ask(_ catalog: [Lesson]) -> Lesson? {
        while true {
            print("Lesson number (Enter quits): ", terminator: "")
            guard let line = readLine() else { return nil }
            switch Lesson.choice(line, in: catalog) {
            case .lesson(let lesson): return lesson
            case .quit: return nil
            case .invalid(let problem): printLine(problem)
            }
        }
    }

    /// A narration line as `learn N` prints it without a terminal: a prompt names the key the UI binds
    /// to its action, and the tab.
    static func text(_ line: Lesson.Line) -> String {
        switch line {
        case .say(let text): return text
        case .prompt(let prompt):
            let key = KeyBinding.key(for: prompt.action)?.label ?? "?"
            let tab = prompt.selectedTab.map { " on tab \($0)" } ?? ""
            return "[press \(key)\(tab)] " + prompt.text
        }
    }

    /// The lesson in the terminal UI, time standing still at each prompt and after each narration
    /// until the learner goes on (`auto`: until it has been on screen long enough to read); `cast`
    /// keeps the screen as an asciinema cast.
    static func play(_ lesson: Lesson, auto: Bool = false, cast: String? = nil) throws {
        let session: UISession
        do { session = try UISession(scenario: lesson.scenario, pausesAtPrompts: true, holdsNarration: true) } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        var state = UIState()
        state.autoNarration = auto
        state.message =
            "lesson \(lesson.number > 0 ? lesson.listLine : lesson.title): space reads on; "
            + "d shows the sequence diagram"
        let title = "tabsim learn: " + (lesson.number > 0 ? lesson.listLine : lesson.title)
        let played = try UICommand.play(session, from: state, cast: cast, title: title)
        let passed = session.player.results.filter(\.passed).count
        printLine(
            "tabsim: lesson \(lesson.number > 0 ? String(lesson.number) : lesson.title) stopped at virtual time "
                + "\(formatTime(session.simulation.nowMs).drop { $0 == " " }): "
                + "\(passed) of \(session.player.results.count) checks passed so far")
        if played.castFailed { throw ExitCode(2) }
        if Terminal.receivedStopSignal != 0 { throw ExitCode(128 + Terminal.receivedStopSignal) }
    }
}
