import Foundation
import Testing

/// `tabsim` sits next to the test bundle in the build folder (building the tests builds every product).
let tabsimBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    .appendingPathComponent("tabsim").path

/// `tabsim run` and `tabsim fuzz` as a user runs them: the real binary, its output and exit status.
/// The runs are on virtual time; only the process start costs wall time.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: tabsimBinary),
                "no tabsim binary next to the test bundle: build every product first (swift build --build-tests)"))
struct CommandLineTests {
    static var binary: String { tabsimBinary }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples")

    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    /// Runs tabsim with `args`. Spawned and reaped directly, output through files: Foundation's
    /// Process waits on a run loop that test threads do not run.
    func tabsim(_ args: [String]) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-cli-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outFile = dir.appendingPathComponent("out").path, errFile = dir.appendingPathComponent("err").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([Self.binary] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, Self.binary, &actions, nil, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exit,
                      out: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
                      err: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
    }

    func example(_ name: String) -> String { Self.examples.appendingPathComponent(name).path }

    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func runPrintsTheDebugLogThenVerdictsAndExitsZero() throws {
        let r = try tabsim(["run", example("02-leader-crash.yaml")])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.range(of: #"^ +0\.010s B  \[BroadcastSync:[a-z0-9]{6}\] Sent: TAB_PING \{"#, options: .regularExpression) != nil })
        #expect(lines.contains { $0.contains("] Received: HEARTBEAT from ") })
        #expect(lines.contains { $0.contains("] Applied remote state from ") && $0.contains("['theme']") })
        #expect(lines.contains("PASS 6.000s (line 18) leader is B"))
        #expect(lines.last?.hasPrefix("PASS ") == true && lines.last?.hasSuffix("safety invariants held") == true)
        #expect(!lines.contains { $0.hasPrefix("FAIL") })
    }

    @Test func quietPrintsOnlyVerdictsAndJSONPrintsOnlyJSON() throws {
        let quiet = try tabsim(["run", "--quiet", example("07-concurrent-edit-diverges.yaml")])
        #expect(quiet.status == 0)
        #expect(quiet.out.split(separator: "\n").allSatisfy { $0.hasPrefix("PASS ") })
        let json = try tabsim(["run", "--json", example("07-concurrent-edit-diverges.yaml")])
        #expect(json.status == 0)
        for line in json.out.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] != nil || object?["verdict"] != nil, "\(line)")
        }
    }

    @Test func everyExampleRunsInOneCall() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let r = try tabsim(["run", "--quiet"] + files.map(example))
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.split(separator: "\n").count > 3 * files.count)
    }

    @Test func aFailedExpectationExitsOneAndSaysWhatWasFound() throws {
        let file = try temporaryFile("""
            config: {channelName: x, enableLeaderElection: true, leaderHeartbeatMs: 1000}
            steps:
              - {at: 0ms, open: A}
              - {at: 10ms, open: B}
              - {at: 2s, expect: {leader: B}}
            """)
        let r = try tabsim(["run", "--quiet", file])
        #expect(r.status == 1)
        #expect(r.out.contains("FAIL 2.000s (line 5) leader is B: found leaders: A"))
    }

    @Test(arguments: [
        ("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, explode: A}\n", ":3: unknown action 'explode'"),
        ("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, kill: Z}\n", ":3: unknown tab 'Z'"),
        ("steps:\n  - {at: soon, open: A}\n", ":2: bad time 'soon'"),
        ("name: x\nsteps:\n  - {at: 0ms, open: A\n  - {at: 1s, open: B}\n", "malformed YAML"),
    ])
    func anUnusableFileExitsTwoNamingFileLineAndProblem(yaml: String, problem: String) throws {
        let file = try temporaryFile(yaml)
        let r = try tabsim(["run", file])
        #expect(r.status == 2)
        #expect(r.err.contains(file), "\(r.err)")
        #expect(r.err.contains(problem), "\(r.err)")
        #expect(try tabsim(["run", "/nonexistent/x.yaml"]).status == 2)
    }

    @Test func anEndlessFileExitsTwoNamingTheLimit() throws {
        let r = try tabsim(["run", "/dev/zero"])
        #expect(r.status == 2)
        #expect(r.err.contains("/dev/zero: larger than the limit of 1048576 bytes"), "\(r.err)")
    }

    @Test func twoProcessesPrintTheSameLogByteForByte() throws {
        let a = try tabsim(["run", "--json", example("04-partition-two-leaders-heal.yaml")])
        let b = try tabsim(["run", "--json", example("04-partition-two-leaders-heal.yaml")])
        #expect(a.status == 0)
        #expect(a.out.count > 10_000)
        #expect(a.out == b.out)
    }

    @Test func fuzzSummarisesAndSavesARunThatReplays() throws {
        let r = try tabsim(["fuzz", "--seeds", "20", "--tabs", "5"])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("fuzz: 20 seeds (1...20), 5 tabs, last-write-wins: 20 passed, 0 failed"))
        #expect(r.out.contains("simulated hours"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-seed-\(UUID().uuidString).yaml").path
        let saved = try tabsim(["fuzz", "--seeds", "1", "--start-seed", "9", "--save", file])
        #expect(saved.status == 0)
        #expect(saved.out.contains("saved seed 9 as \(file)"))
        let replay = try tabsim(["run", "--quiet", file])
        #expect(replay.status == 0, "\(replay.out)")
        #expect(replay.out.contains("leader is"))
    }

    @Test(arguments: [["--tabs", "1"], ["--tabs", "2,x"], ["--tabs", "2,,4"], ["--tabs", "65"],
                      ["--updates", "0"], ["--rounds", "-1"], ["--messages", "0"]])
    func benchRefusesSizesItCannotRunNamingTheOption(args: [String]) throws {
        let r = try tabsim(["bench"] + args)
        #expect(r.status != 0)
        #expect(r.err.contains(args[0]), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test(arguments: ["run", "fuzz"])
    func helpExplainsWithExamples(command: String) throws {
        let r = try tabsim([command, "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("Examples:"))
        #expect(r.out.contains("tabsim \(command) "))
    }
}
