import Foundation
import Testing

/// The built binary, started without a terminal, refuses at once with status 2 and says why.
/// Spawned with posix_spawn, as the end-to-end test does (Foundation's Process needs a run loop
/// the test threads do not run); the wait has a deadline instead of a fixed sleep.
@Suite struct NonTTYTests {
    static var binary: String { EndToEndTests.binary }

    func run(_ arguments: [String], stdin: String) throws -> (status: Int32, stderr: String, seconds: Double) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tabsim-notty-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path
        let err = dir.appendingPathComponent("err").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([Self.binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = Date()
        var pid: pid_t = 0
        guard posix_spawn(&pid, Self.binary, &actions, nil, argv, environ) == 0 else {
            throw CocoaError(.fileNoSuchFile)
        }
        var status: Int32 = 0
        // Poll with a deadline: a binary that wrongly runs the UI is killed after 10 s, not waited on for ever.
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date().timeIntervalSince(start) > 10 { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, stderr, seconds)
    }

    @Test(arguments: [[String](), ["--tabs", "5"], ["--record", "/dev/null"]])
    func refusesWithoutATerminal(arguments: [String]) throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "no tabsim binary at \(Self.binary)")
        let r = try run(arguments, stdin: "/dev/null")
        #expect(r.status == 2)
        #expect(r.stderr.contains("needs a terminal"))
        #expect(r.seconds < 5)
    }

    /// Options are checked before the terminal: a contradiction is named even without one.
    @Test func aContradictingOptionIsRefusedNamingBothValues() throws {
        let r = try run(["--scenario", UIOptionsTests.example, "--seed", "42"], stdin: "/dev/null")
        #expect(r.status == 2)
        #expect(r.stderr.contains("--seed 42 contradicts") && r.stderr.contains("seed 7"))
    }
}
