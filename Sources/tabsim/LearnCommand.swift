import ArgumentParser
import Foundation
import TabSimulator
import TabSync

/// `tabsim learn`: the guided lessons of `Examples/lessons/`.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Guided lessons on leader election and state sync (Examples/lessons/).",
        discussion: """
            A lesson is a scenario file with narration (say:) and prompts (prompt:). For now this
            command lists the lessons and says what it will open; playing one interactively needs the
            new terminal UI. Every lesson already plays headless, narration in the log:
              tabsim learn --list
              tabsim learn 1
              tabsim run Examples/lessons/01-the-leader-dies.yaml
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
            for lesson in catalog { print(lesson.listLine) }
            return
        }
        guard let number else {
            print("Lessons:")
            for lesson in catalog { print("  " + lesson.listLine) }
            print("The interactive menu comes with the new terminal UI. Meanwhile: tabsim learn N, or tabsim run FILE.")
            return
        }
        guard let lesson = catalog.first(where: { $0.number == number }) else {
            printError("tabsim: no lesson \(number) (lessons 1 to \(catalog.count); tabsim learn --list)")
            throw ExitCode(2)
        }
        print("Lesson \(lesson.listLine)")
        print("File: \(lesson.file)")
        for line in lesson.narration { print(formatTime(line.atMs) + "  " + line.text) }
        print("This would open the lesson in the terminal UI, paused at each prompt; the interactive player")
        print("comes with the new UI. To play it headless now: tabsim run \(lesson.file)")
    }
}
