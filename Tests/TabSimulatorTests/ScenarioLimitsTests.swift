import Foundation
import Testing
import TabSync
@testable import TabSimulator

/// Scenario files cannot exhaust the tool: size, nesting and alias expansion are limited, and the
/// error names the file, the line and the limit (issue 12).
@Suite struct ScenarioLimitsTests {
    func problem(_ yaml: String) -> ScenarioError? {
        do { _ = try ScenarioParser.parse(yaml: yaml, file: "x.yaml") } catch { return error }
        return nil
    }

    /// Ten levels of ten aliases in initialState: ten billion values once expanded. It ran for more
    /// than 30 s and grew past 3 GB; it is refused after walking 100 000 of them.
    @Test func anAliasBombIsRefusedNamingTheLimit() throws {
        var levels = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...10 {
            levels.append("&a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let values = levels.enumerated().map { "v\($0.offset): \($0.element)" }.joined(separator: ", ")
        let yaml = "initialState: {" + values + "}\nsteps:\n  - {at: 0ms, open: A}\n"
        let error = try #require(problem(yaml))
        #expect(error.description == "x.yaml:1: more than 100000 values once aliases are expanded (the limit)")
    }

    @Test(arguments: [
        String(repeating: "[", count: 100_000), String(repeating: "- ", count: 100_000) + "x",
        "name: don't stop\nsteps: " + String(repeating: "[", count: 100_000),
        (0..<70).map { String(repeating: " ", count: $0 * 2) + "k\($0):" }
            .joined(separator: "\n") + " x",
    ])
    func deepNestingIsRefusedBeforeTheParserRecurses(yaml: String) throws {
        let error = try #require(problem(yaml))
        #expect(error.problem == "nested too deeply (the limit is 64 levels)", "\(error)")
        #expect(error.line != nil)
    }

    @Test func nestingWithinTheLimitIsRead() throws {
        let state = String(repeating: "{a: ", count: 40) + "1" + String(repeating: "}", count: 40)
        let yaml = "initialState: \(state)\nsteps:\n  - {at: 0ms, open: A}\n"
        let scenario = try ScenarioParser.parse(yaml: yaml, file: "x.yaml")
        #expect(scenario.options.initialState["a"] != nil)
    }

    @Test func anEndlessDeviceOrAnOversizedFileIsRefused() throws {
        let zero = try #require(throws: ScenarioError.self) { try ScenarioParser.load(path: "/dev/zero") }
        #expect(zero.problem == "is a character device, not a regular file")
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: big) }
        let text = "# " + String(repeating: "x", count: 1 << 20) + "\nsteps: []\n"
        try text.write(toFile: big, atomically: true, encoding: .utf8)
        #expect(throws: ScenarioError(file: big, line: nil, problem: "larger than the limit of 1048576 bytes")) {
            try ScenarioParser.load(path: big)
        }
    }

    @Test(arguments: [
        (
            "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, clockSkew: {tab: A, ms: -9223372036854775808}}\n",
            "x.yaml:3: ms must be between -31536000000 and 31536000000, got -9223372036854775808"
        ),
        (
            "config: {leaderHeartbeatMs: 3074457345618258602}\nsteps: []\n",
            "x.yaml:1: leaderHeartbeatMs must be between -9007199254740991 and 9007199254740991, got 3074457345618258602"
        ),
        (
            "config: {tabPingIntervalMs: 86400001}\nsteps: []\n",
            "x.yaml:1: invalid configuration: tabPingIntervalMs must be at most one day (86400000), got 86400001"
        ),
        (
            "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, background: {tab: A, throttleMs: 9223372036854775807}}\n",
            "x.yaml:3: throttleMs must be between 0 and 86400000, got 9223372036854775807"
        ),
        ("seed: -1\nsteps: []\n", "x.yaml:1: seed must be an integer from 0 to 18446744073709551615"),
        (
            "steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, expect: {sent: {tab: A, type: TAB_PING, count: -3}}}\n",
            "x.yaml:3: count must be between 0 and 9007199254740991, got -3"
        ),
    ])
    func numbersOutsideTheirRangeNameFileLineAndRange(yaml: String, message: String) throws {
        let error = try #require(problem(yaml))
        #expect(error.description == message)
    }
}
