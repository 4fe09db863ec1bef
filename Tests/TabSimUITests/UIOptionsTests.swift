import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// `--scenario FILE` runs the file's seed, tabs and strategy; options that contradict it are
/// refused, options it leaves open apply.
@Suite struct UIOptionsTests {
    static let example = RecordReplayTests.examples.appendingPathComponent("02-leader-crash.yaml").path

    @Test func theFilesSeedTabsAndStrategyAreWhatRunsAndWhatTheStatusShows() throws {
        let scenario = try UIOptions(scenarioPath: Self.example).startingScenario()
        #expect(scenario.seed == 7)
        let h = try Harness(scenario: scenario)
        h.run(ms: 3000)
        #expect(h.status.contains("seed 7"))
        #expect(h.status.contains("last-write-wins"))
        #expect(h.sim.tabs.map(\.name) == ["A", "B"])
    }

    @Test(arguments: [
        (UIOptions(seed: 42), "--seed 42 contradicts", "which has seed 7"),
        (UIOptions(strategy: .merge), "--strategy merge contradicts", "conflictStrategy last-write-wins"),
        (UIOptions(heartbeatMs: 500), "--heartbeat 500 contradicts", "leaderHeartbeatMs 1000"),
        (UIOptions(tabs: 5), "--tabs 5 contradicts", "2 tabs opened by its steps"),
    ])
    func optionsThatContradictTheFileAreRefused(options: UIOptions, says: String, names: String) {
        var o = options
        o.scenarioPath = Self.example
        do {
            _ = try o.startingScenario()
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains(says) && "\(error)".contains(names), "\(error)")
        }
    }

    @Test func optionsTheFileLeavesOpenApply() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-open-\(getpid()).yaml").path
        try "config: {enableLeaderElection: true}\nsteps:\n  - {at: 0ms, open: A}\n  - {at: 10ms, open: B}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = try UIOptions(strategy: .merge, seed: 42, heartbeatMs: 700, scenarioPath: path).startingScenario()
        #expect(s.seed == 42 && s.options.seed == 42)
        #expect(s.options.config.conflictStrategy == .merge)
        #expect(s.options.config.leaderHeartbeatMs == 700)
        #expect(try UIOptions(tabs: 2, scenarioPath: path).startingScenario().seed == 1)
    }
}
