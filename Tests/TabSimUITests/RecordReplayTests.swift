import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// A session recorded through the update function replays exactly with `ScenarioPlayer` (what
/// `tabsim run` does): every expectation written at the moment of saving holds, and the tabs end
/// exactly as they were.
@Suite struct RecordReplayTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    func replay(_ yaml: String) throws -> (results: [ExpectationResult], tabs: String) {
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "recording.yaml")
        let player = try ScenarioPlayer(scenario: scenario)
        let results = try player.playToEnd()
        return (results, player.simulation.describeTabs())
    }

    /// A full disk takes the buffered text and fails on the flush: the write says so (it used to
    /// report success).
    @Test func aWriteToAFullDiskThrowsNamingThePathAndTheError() throws {
        #expect(throws: (any Error).self) { try UIEffect.writeToDisk(path: "/dev/full", contents: "steps: []\n") }
        do { try UIEffect.writeToDisk(path: "/dev/full", contents: "steps: []\n") } catch {
            #expect("\(error)" == "cannot write /dev/full: No space left on device")
        }
    }

    @Test(arguments: [ConflictStrategy.lastWriteWins, .merge, .custom])
    func aBusySessionReplaysExactly(strategy: ConflictStrategy) throws {
        let h = try Harness(tabs: 4, strategy: strategy, seed: 7)
        let keys: [UIAction] = [
            .cycleTheme, .select(1), .concurrentEdit, .fontBigger, .killTab, .select(2), .togglePartition,
            .cycleLocale, .togglePause, .stepOnce, .stepOnce, .concurrentEdit, .togglePause, .cycleStrategy,
            .select(3), .toggleFreeze, .newTab, .forceLeader, .select(1), .reopenTab, .select(2), .togglePartition,
            .select(3), .toggleFreeze, .closeTab, .faster, .concurrentEdit, .fontSmaller,
        ]
        for (i, key) in keys.enumerated() {
            h.send(key)
            h.run(ms: 37 * (i % 5) + 11)  // keys at uneven virtual times, some at the same instant
        }
        h.send(.save)
        let path = try #require(h.state.recordPath)
        let yaml = try #require(h.written[path])
        let (results, tabs) = try replay(yaml)
        #expect(results.count > 5)
        for r in results { #expect(r.passed, "\(r.text)") }
        #expect(tabs == h.sim.describeTabs())
    }

    @Test func aScenarioFileSessionRecordsTheFilesStepsAndTheKeys() throws {
        let file = Self.examples.appendingPathComponent("02-leader-crash.yaml").path
        let scenario = try ScenarioParser.load(path: file)
        let h = try Harness(scenario: scenario)
        h.send(.tick(wallMs: 2500))
        h.send(.select(1))
        h.send(.cycleTheme)
        h.send(.tick(wallMs: 4000))
        h.send(.save)
        let path = try #require(h.state.recordPath)
        let written = try #require(h.written[path])
        let session = h.session
        #expect(written.contains("seed: \(scenario.seed)"))
        let (results, tabs) = try replay(written)
        for r in results { #expect(r.passed, "\(r.text)") }
        #expect(tabs == session.simulation.describeTabs())
    }
}
