import Foundation
import TabsimTestSupport
import Testing

/// `tabsim learn` as a user runs it: the lessons built into the binary, from any directory, and
/// lessons of one's own.
@Suite struct LearnCommandTests {
    static let folder = Tabsim.examples.deletingLastPathComponent().appendingPathComponent(
        "Sources/TabSimulator/Lessons"
    )
    .path
    static let lessonCount = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.count

    /// A new empty directory, away from the repository: where a user may be when running `tabsim learn`.
    static func elsewhere() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-learn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        return path.path
    }

    @Test func listPrintsTheBuiltInLessonsFromAnyDirectory() async throws {
        #expect(Tabsim.isBuilt, "no tabsim binary at \(Tabsim.binary)")
        let dir = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await Tabsim.run(["learn", "--list"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n")
        #expect(Self.lessonCount >= 6)
        #expect(lines.count == Self.lessonCount)
        #expect(lines.first == "1. The leader dies")
    }

    @Test func aLessonWithoutATerminalPrintsItsNarrationFromAnyDirectory() async throws {
        let dir = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await Tabsim.run(["learn", "1"], in: dir)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "Lesson 1. The leader dies")
        #expect(
            lines.contains {
                $0.hasSuffix(
                    "s  Three tabs share one channel. A opens first, so A is the oldest: its priority (its creation time, 0) is the lowest, and the oldest tab wins an election."
                )
            })
        #expect(lines.contains("   8.000s  [press k on tab A] Kill the leader A. A crash is silent: no goodbye."))
        // The file it names plays headless from there too.
        let file = lines.first { $0.hasPrefix("File: ") }.map { String($0.dropFirst("File: ".count)) } ?? ""
        let run = try await Tabsim.run(["run", file], in: dir)
        #expect(run.status == 0, "\(run.out)\(run.err)")
    }

    /// `--auto` is offered, and without a terminal it changes nothing: the narration is printed.
    @Test func autoIsOfferedAndWithoutATerminalPrintsTheNarration() async throws {
        let help = try await Tabsim.run(["learn", "--help"])
        #expect(help.status == 0 && help.out.contains("--auto"), "\(help.out)")
        #expect(help.out.contains("R reads the last one again"), "\(help.out)")
        let r = try await Tabsim.run(["learn", "4", "--auto"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("[press z on tab A] Freeze the leader A"), "\(r.out)")
        #expect(r.out.contains("each narration stays until space, each prompt waits for its key"))
    }

    @Test func aMissingLessonWithoutATerminalExitsTwoNamingIt() async throws {
        let r = try await Tabsim.run(["learn", "99"])
        #expect(r.status == 2 && r.err.contains("no lesson 99 (lessons 1 to \(Self.lessonCount)"), "\(r.err)")
    }

    @Test func aFolderOrAFileOfOnesOwnStillWorks() async throws {
        let dir = try Self.elsewhere()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let own = """
            # Lesson: mine.
            name: My lesson
            steps:
              - {at: 0ms, open: A}
              - {at: 1s, say: "A is alone."}
              - {at: 2s, prompt: {action: freeze, tab: A, text: "Freeze A."}}
            """
        try own.write(toFile: dir + "/mine.yaml", atomically: true, encoding: .utf8)
        let list = try await Tabsim.run(["learn", "--list", "--lessons", dir])
        #expect(list.status == 0 && list.out == "1. My lesson\n", "\(list.out)\(list.err)")
        let file = try await Tabsim.run(["learn", dir + "/mine.yaml"])
        #expect(file.status == 0, "\(file.err)")
        #expect(file.out.contains("   1.000s  A is alone.\n   2.000s  [press z on tab A] Freeze A.\n"), "\(file.out)")
        let none = try await Tabsim.run(["learn", "--lessons", dir + "/none"])
        #expect(none.status == 2 && none.err.contains("\(dir)/none: cannot read the folder of lessons"), "\(none.err)")
    }
}
