import Foundation
import TabsimTestSupport
import Testing

/// The built binary, started without a terminal (standard input from /dev/null), refuses at once
/// with status 2 and says why. A binary that wrongly ran the UI would wait for keys for ever: the
/// time limit ends the test, and swift-subprocess kills the process when the test is cancelled.
@Suite(.timeLimit(.minutes(1)))
struct NonTTYTests {
    @Test(arguments: [[String](), ["--tabs", "5"], ["--record", "/dev/null"]])
    func refusesWithoutATerminal(arguments: [String]) async throws {
        #expect(Tabsim.isBuilt, "no tabsim binary at \(Tabsim.binary)")
        let r = try await Tabsim.run(arguments)
        #expect(r.status == 2)
        #expect(r.err.contains("needs a terminal"), "\(r.err)")
    }

    /// Options are checked before the terminal: a contradiction is named even without one.
    @Test func aContradictingOptionIsRefusedNamingBothValues() async throws {
        let r = try await Tabsim.run(["--scenario", UIOptionsTests.example, "--seed", "42"])
        #expect(r.status == 2)
        #expect(r.err.contains("--seed 42 contradicts") && r.err.contains("seed 7"), "\(r.err)")
    }
}
