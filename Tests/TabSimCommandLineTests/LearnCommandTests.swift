import Foundation
import TabsimTestSupport
import Testing

/// `tabsim learn` as a user runs it, on the repository's lessons.
@Suite struct LearnCommandTests {
    static let folder = Tabsim.examples.appendingPathComponent("lessons").path
    static let lessonCount = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.count

    @Test func listPrintsOneNumberedLinePerLesson() async throws {
        #expect(Tabsim.isBuilt, "no tabsim binary at \(Tabsim.binary)")
        let r = try await Tabsim.run(["learn", "--list", "--lessons", Self.folder])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        #expect(Self.lessonCount >= 6)
        #expect(lines.count == Self.lessonCount)
        #expect(lines.first == "1. The leader dies")
    }

    @Test func aMissingLessonExitsTwoNamingIt() async throws {
        let r = try await Tabsim.run(["learn", "99", "--lessons", Self.folder])
        #expect(r.status == 2 && r.err.contains("no lesson 99"), "\(r.err)")
    }
}
