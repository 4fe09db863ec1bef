import ArgumentParser
import Foundation
import TabSimUI
import TabSimulator
import TabSync

/// `tabsim learn`: the guided lessons of `Examples/lessons/`.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Guided lessons on leader election and state sync (Examples/lessons/).",
        discussion: """
            A lesson is a scenario file with narration (say:, shown in a banner) and prompts (prompt:
            time stands still until you do what it asks: the banner shows the key and the tab; space
            lets the lesson do it).
              tabsim learn            the menu: pick a lesson by number
              tabsim learn 1          lesson 1 in the terminal UI
              tabsim learn --list     one numbered line per lesson
              tabsim run Examples/lessons/01-the-leader-dies.yaml    headless, narration in the log
            Without a terminal, learn N prints the lesson's narration instead.
            """
    )

    @Flag(help: "Print one numbered line per lesson.") var list = false
    @Option(help: "The folder of lesson files.") var lessons = "Examples/lessons"
    @Argument(help: "The number of the lesson to open.") var number: Int?

    func run() throws {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: lessons)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { (lessons as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else {
            printError("tabsim: no lesson files (*.yaml) in \(lessons): run from the repository, or give --lessons DIR")
            throw ExitCode(2)
        }
        let catalog: [Lesson]
        do { catalog = try Lesson.catalog(files: files) } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        if list {
            for lesson in catalog { printLine(lesson.listLine) }
            return
        }
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        var chosen = number
        if chosen == nil {
            printLine("Lessons:")
            for lesson in catalog { printLine("  " + lesson.listLine) }
            guard interactive else {
                printLine("Open one: tabsim learn N (in a terminal), or play it headless: tabsim run FILE.")
                return
            }
            print("Lesson number (Enter quits): ", terminator: "")
            guard let line = readLine(), let n = Int(line.trimmingCharacters(in: .whitespaces)) else { return }
            chosen = n
        }
        guard let number = chosen, let lesson = catalog.first(where: { $0.number == number }) else {
            printError("tabsim: no lesson \(chosen ?? 0) (lessons 1 to \(catalog.count); tabsim learn --list)")
            throw ExitCode(2)
        }
        guard interactive else {
            printLine("Lesson \(lesson.listLine)")
            printLine("File: \(lesson.file)")
            for (atMs, line) in lesson.narration { printLine(formatTime(atMs) + "  " + Self.text(line)) }
            printLine("In a terminal this opens the lesson in the UI, paused at each prompt.")
            printLine("Headless: tabsim run \(lesson.file)")
            return
        }
        let session: UISession
        do { session = try UISession(scenario: lesson.scenario, pausesAtPrompts: true) } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        var state = UIState()
        state.message = "lesson \(lesson.listLine): read the banner; d shows the sequence diagram"
        state = UICommand.play(session, from: state)
        let passed = session.player.results.filter(\.passed).count
        printLine(
            "tabsim: lesson \(lesson.number) stopped at virtual time "
                + "\(formatTime(session.simulation.nowMs).drop { $0 == " " }): "
                + "\(passed) of \(session.player.results.count) checks passed so far")
        if Terminal.receivedStopSignal != 0 { throw ExitCode(128 + Terminal.receivedStopSignal) }
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
}
