import Foundation
import TabsimTestSupport
import Testing

/// The built binary, started without a terminal (standard input from /dev/null), refuses at once
/// with status 2 and says why. A binary that wrongly ran the UI would wait for keys for ever: it
/// runs under `timeout 120`, so that it ends (status 124, a failure) instead of stalling the suite;
/// the deadline is far beyond any start, not a measure of speed.
@Suite struct NonTTYTests {
    func tabsim(_ arguments: [String]) async throws -> Tabsim.Result {
        #expect(Tabsim.isBuilt, "no tabsim binary at \(Tabsim.binary)")
        return try await Tabsim.process("/usr/bin/timeout", ["120", Tabsim.binary] + arguments)
    }

    @Test(arguments: [[String](), ["--tabs", "5"], ["--record", "/dev/null"]])
    func refusesWithoutATerminal(arguments: [String]) async throws {
        let r = try await tabsim(arguments)
        #expect(r.status == 2)
        #expect(r.err.contains("needs a terminal"), "\(r.err)")
    }

    /// Options are checked before the terminal: a contradiction is named even without one.
    @Test func aContradictingOptionIsRefusedNamingBothValues() async throws {
        let r = try await tabsim(["--scenario", UIOptionsTests.example, "--seed", "42"])
        #expect(r.status == 2)
        #expect(r.err.contains("--seed 42 contradicts") && r.err.contains("seed 7"), "\(r.err)")
    }
}
