import Foundation
import Testing
@testable import TabSimulator

/// Every teaching scenario in Examples/ must pass: they are the project's stories, run as tests.
@Suite struct ExampleScenarioTests {
    static let examples: [String] = {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        // Files with an external tab (`command:`) need Node; without it ExternalTabTests says why they are skipped.
        return files.filter { $0.hasSuffix(".yaml") }.sorted().map { dir.appendingPathComponent($0).path }.filter {
            ExternalTabTests.nodeAvailable
                || !((try? String(contentsOfFile: $0, encoding: .utf8)) ?? "").contains("command:")
        }
    }()

    @Test func thereAreAtLeastTwelveCommentedExamples() throws {
        #expect(Self.examples.count >= 12)
        for path in Self.examples {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let comment = text.split(separator: "\n").prefix { $0.hasPrefix("#") }
            #expect(comment.count >= 3, "\(path) should open with a few lines saying what it teaches")
        }
    }

    @Test(arguments: examples)
    func examplePasses(_ path: String) throws {
        let scenario = try ScenarioParser.load(path: path)
        let results = try ScenarioPlayer(scenario: scenario).playToEnd()
        #expect(results.count >= 2)
        for r in results where !r.passed {
            Issue.record("\(path): \(r.text)")
        }
    }
}
