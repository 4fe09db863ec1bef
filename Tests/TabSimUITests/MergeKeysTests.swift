import Foundation
import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// The merge QA keys: `e` and `E` edit one field of the selected tab's `settings`, `X` has two tabs
/// edit different fields of it at one instant. Merge keeps both fields; last-write-wins keeps one
/// whole object; a recording replays either exactly.
@Suite struct MergeKeysTests {
    func settings(_ h: Harness) -> [JSONValue?] { h.sim.tabs.map { $0.state["settings"] } }

    func press(_ h: Harness, _ key: Character) throws {
        h.send(try #require(KeyBinding.action(for: .char(key), in: h.state), "\(key) is bound"))
    }

    @Test func eAndEEditOneFieldOfTheSelectedTabsSettings() throws {
        let h = try Harness(strategy: .merge)
        h.run(ms: 1500)
        h.send(.select(1))
        try press(h, "e")
        #expect(h.state.message == "B set settings.density compact")
        #expect(h.sim.tabs[1].state["settings"] == ["density": "compact"])
        try press(h, "E")
        #expect(h.sim.tabs[1].state["settings"] == ["density": "compact", "motion": "reduced"])
        try press(h, "e")
        #expect(h.sim.tabs[1].state["settings"] == ["density": "spacious", "motion": "reduced"])
        h.run(ms: 1000)
        #expect(settings(h).allSatisfy { $0 == ["density": "spacious", "motion": "reduced"] })
    }

    /// Under merge both fields survive in every tab.
    @Test func underMergeAConcurrentFieldEditKeepsBothFields() throws {
        let h = try Harness(strategy: .merge)
        h.run(ms: 1500)
        try press(h, "X")
        #expect(
            h.state.message == "A set settings.density compact, B set settings.motion reduced, at the same instant")
        // At the instant of the edit each tab holds only its own field's change.
        #expect(h.sim.tabs[0].state["settings"] == ["density": "compact"])
        #expect(h.sim.tabs[1].state["settings"] == ["density": "comfortable", "motion": "reduced"])
        h.run(ms: 1000)
        #expect(settings(h).allSatisfy { $0 == ["density": "compact", "motion": "reduced"] }, "\(settings(h))")
        #expect(h.sim.convergence().converged)
    }

    /// Under last-write-wins one whole object wins: every tab ends with A's or with B's, and the
    /// other tab's field edit is lost.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func underLastWriteWinsOneWholeObjectWins(seed: UInt64) throws {
        let h = try Harness(strategy: .lastWriteWins, seed: seed)
        h.run(ms: 1500)
        try press(h, "X")
        h.run(ms: 1000)
        let a: JSONValue = ["density": "compact"]
        let b: JSONValue = ["density": "comfortable", "motion": "reduced"]
        let final = settings(h)
        #expect(Set(final.map { "\($0 as Any)" }).count == 1, "converged: \(final)")
        #expect(final.first == a || final.first == b, "one whole object: \(final)")
        #expect(!final.contains(["density": "compact", "motion": "reduced"]))
    }

    @Test func aConcurrentFieldEditNeedsAnotherRunningTab() throws {
        let h = try Harness(tabs: 2)
        h.run(ms: 1500)
        h.send(.select(1))
        h.send(.killTab)
        h.send(.select(0))
        try press(h, "X")
        #expect(h.state.message == "a concurrent field edit needs the selected tab and another running")
    }

    /// `w` records the field edits as `set` steps (the scenario vocabulary's own), and the file
    /// replays them exactly, every expectation holding.
    @Test(arguments: [ConflictStrategy.merge, .lastWriteWins])
    func aRecordingOfFieldEditsReplaysExactly(strategy: ConflictStrategy) throws {
        let h = try Harness(tabs: 3, strategy: strategy, seed: 4)
        h.run(ms: 1500)
        try press(h, "X")
        h.run(ms: 20)
        h.send(.select(2))
        try press(h, "E")
        try press(h, "X")
        h.run(ms: 1000)
        h.send(.save)
        let yaml = try #require(h.state.recordPath.flatMap { h.written[$0] })
        #expect(yaml.contains(#"set: {tab: "A", "settings": {"density": "compact"}}"#), "\(yaml)")
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "recording.yaml")
        let player = try ScenarioPlayer(scenario: scenario)
        let results = try player.playToEnd()
        #expect(!results.isEmpty)
        for r in results { #expect(r.passed, "\(r.text)") }
        #expect(player.simulation.describeTabs() == h.sim.describeTabs())
    }
}
