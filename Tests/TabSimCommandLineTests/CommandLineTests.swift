import Foundation
import TabsimTestSupport
import Testing

/// `tabsim run` and `tabsim fuzz` as a user runs them: the real binary, its output and exit status.
/// The runs are on virtual time; only the process start costs wall time.
@Suite struct CommandLineTests {
    /// Runs tabsim with `args`; a missing binary is a failure, not a skip.
    func tabsim(_ args: [String]) async throws -> Tabsim.Result {
        #expect(Tabsim.isBuilt, "no tabsim binary at \(Tabsim.binary): swift test builds every product")
        return try await Tabsim.run(args)
    }

    func example(_ name: String) -> String { Tabsim.examples.appendingPathComponent(name).path }

    func temporaryFile(_ text: String) throws -> String { try Tabsim.temporaryFile(text) }

    @Test func runPrintsTheDebugLogThenVerdictsAndExitsZero() async throws {
        let r = try await tabsim(["run", example("02-leader-crash.yaml")])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(
            lines.contains {
                $0.range(
                    of: #"^ +0\.010s B  \[BroadcastSync:[a-z0-9]{6}\] Sent: TAB_PING \{"#, options: .regularExpression)
                    != nil
            })
        #expect(lines.contains { $0.contains("] Received: HEARTBEAT from ") })
        #expect(lines.contains { $0.contains("] Applied remote state from ") && $0.contains("['theme']") })
        #expect(lines.contains("PASS 6.000s (line 18) leader is B"))
        #expect(lines.last?.hasPrefix("PASS ") == true && lines.last?.hasSuffix("safety invariants held") == true)
        #expect(!lines.contains { $0.hasPrefix("FAIL") })
    }

    @Test func quietPrintsOnlyVerdictsAndJSONPrintsOnlyJSON() async throws {
        let quiet = try await tabsim(["run", "--quiet", example("07-concurrent-edit-diverges.yaml")])
        #expect(quiet.status == 0)
        #expect(quiet.out.split(separator: "\n").allSatisfy { $0.hasPrefix("PASS ") })
        let json = try await tabsim(["run", "--json", example("07-concurrent-edit-diverges.yaml")])
        #expect(json.status == 0)
        for line in json.out.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] != nil || object?["verdict"] != nil, "\(line)")
        }
    }

    @Test func everyExampleRunsInOneCall() async throws {
        // Files with an external tab (`command:`) need Node, which CI installs (.ci/run).
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let node =
            ProcessInfo.processInfo.environment["CI"] == "true"
            || path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/node") }
        let files = try FileManager.default.contentsOfDirectory(atPath: Tabsim.examples.path).filter {
            $0.hasSuffix(".yaml")
                && (node
                    || !((try? String(contentsOf: Tabsim.examples.appendingPathComponent($0), encoding: .utf8)) ?? "")
                        .contains("command:"))
        }.sorted()
        let r = try await tabsim(["run", "--quiet"] + files.map(example))
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.split(separator: "\n").count > 3 * files.count)
    }

    @Test func aFailedExpectationExitsOneAndSaysWhatWasFound() async throws {
        let file = try temporaryFile(
            """
            config: {channelName: x, enableLeaderElection: true, leaderHeartbeatMs: 1000}
            steps:
              - {at: 0ms, open: A}
              - {at: 10ms, open: B}
              - {at: 2s, expect: {leader: B}}
            """)
        let r = try await tabsim(["run", "--quiet", file])
        #expect(r.status == 1)
        #expect(r.out.contains("FAIL 2.000s (line 5) leader is B: found leaders: A"))
    }

    @Test func aFailBeforeAStepThatCannotRunIsPrintedAndExitsOne() async throws {
        let file = try temporaryFile(
            """
            config: {channelName: x, enableLeaderElection: true, leaderHeartbeatMs: 1000}
            steps:
              - {at: 0ms, open: A}
              - {at: 10ms, open: B}
              - {at: 2s, expect: {leader: B}}
              - {at: 3s, thaw: A}
            """)
        let r = try await tabsim(["run", "--quiet", file])
        #expect(r.status == 1, "\(r.out)\(r.err)")
        #expect(r.out.contains("FAIL 2.000s (line 5) leader is B: found leaders: A"), "\(r.out)")
        #expect(r.err.contains("\(file):6: tab A is alive"), "\(r.err)")
    }

    @Test(arguments: [
        ("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, explode: A}\n", ":3: unknown action 'explode'"),
        ("steps:\n  - {at: 0ms, open: A}\n  - {at: 1s, kill: Z}\n", ":3: unknown tab 'Z'"),
        ("steps:\n  - {at: soon, open: A}\n", ":2: bad time 'soon'"),
        ("name: x\nsteps:\n  - {at: 0ms, open: A\n  - {at: 1s, open: B}\n", "malformed YAML"),
    ])
    func anUnusableFileExitsTwoNamingFileLineAndProblem(yaml: String, problem: String) async throws {
        let file = try temporaryFile(yaml)
        let r = try await tabsim(["run", file])
        #expect(r.status == 2)
        #expect(r.err.contains(file), "\(r.err)")
        #expect(r.err.contains(problem), "\(r.err)")
        #expect(try await tabsim(["run", "/nonexistent/x.yaml"]).status == 2)
    }

    @Test func anEndlessDeviceExitsTwoNamingWhatItIs() async throws {
        let r = try await tabsim(["run", "/dev/zero"])
        #expect(r.status == 2)
        #expect(r.err.contains("/dev/zero: is a character device, not a regular file"), "\(r.err)")
    }

    /// A FIFO is refused at once, with or without a writer: opening one for reading used to wait for
    /// a writer, and reading one whose writer stays waited for ever. The program runs under
    /// `timeout 120` so that a hang fails the test (status 124) instead of stalling the suite; the
    /// deadline is far beyond any run, not a measure of speed.
    @Test(arguments: [false, true])
    func aFIFOIsRefusedAtOnceWithOrWithoutAWriter(withWriter: Bool) async throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-\(UUID().uuidString).yaml")
            .path
        try #require(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        // A writer that stays: read-write, so the open does not wait for a reader, with a scenario in the pipe.
        var writer: Int32 = -1
        if withWriter {
            writer = open(fifo, O_RDWR | O_NONBLOCK)
            try #require(writer >= 0)
            let text = "steps:\n  - {at: 0ms, open: A}\n"
            #expect(text.withCString { write(writer, $0, strlen($0)) } > 0)
        }
        defer { if writer >= 0 { close(writer) } }
        for args in [["run", fifo], ["ui", "--scenario", fifo]] {
            let r = try await Tabsim.process("/usr/bin/timeout", ["120", Tabsim.binary] + args)
            #expect(r.status == 2, "\(args): \(r.status) \(r.out)\(r.err)")
            #expect(r.err.contains("\(fifo): is a FIFO, not a regular file"), "\(args): \(r.err)")
        }
    }

    @Test func twoProcessesPrintTheSameLogByteForByte() async throws {
        let a = try await tabsim(["run", "--json", example("04-partition-two-leaders-heal.yaml")])
        let b = try await tabsim(["run", "--json", example("04-partition-two-leaders-heal.yaml")])
        #expect(a.status == 0)
        #expect(a.out.count > 10_000)
        #expect(a.out == b.out)
    }

    @Test func fuzzSummarisesAndSavesARunThatReplays() async throws {
        let r = try await tabsim(["fuzz", "--seeds", "20", "--tabs", "5"])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("fuzz: 20 seeds (1...20), 5 tabs, last-write-wins: 20 passed, 0 failed"))
        #expect(r.out.contains("simulated hours"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tabsim-seed-\(UUID().uuidString).yaml"
        ).path
        let saved = try await tabsim(["fuzz", "--seeds", "1", "--start-seed", "9", "--save", file])
        #expect(saved.status == 0)
        #expect(saved.out.contains("saved seed 9 as \(file)"))
        let replay = try await tabsim(["run", "--quiet", file])
        #expect(replay.status == 0, "\(replay.out)")
        #expect(replay.out.contains("leader is"))
    }

    /// The largest start seed and the most tabs: the saved file is one `run` reads and judges the same.
    @Test func fuzzSavesTheExtremeSeedAndTabsAsAFileRunAccepts() async throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("tabsim-max-\(UUID().uuidString).yaml").path
        let saved = try await tabsim([
            "fuzz", "--seeds", "1", "--start-seed", "18446744073709551614", "--tabs", "26",
            "--chaos-seconds", "5", "--save", file,
        ])
        #expect(saved.out.contains("saved seed 18446744073709551614 as \(file)"), "\(saved.out)\(saved.err)")
        let replay = try await tabsim(["run", "--quiet", file])
        #expect(replay.status == saved.status, "\(replay.out)\(replay.err)")
        #expect(replay.err.isEmpty, "\(replay.err)")
    }

    @Test func fuzzRefusesAChaosPhaseASavedFileCannotHoldNamingTheLimit() async throws {
        for seconds in ["301", "86400"] {
            let r = try await tabsim(["fuzz", "--seeds", "1", "--chaos-seconds", seconds, "--save", "/tmp/never.yaml"])
            #expect(r.status != 0)
            #expect(r.err.contains("--chaos-seconds must be at most 300 with --save (got \(seconds))"), "\(r.err)")
            #expect(r.err.contains("at most 1 MiB and 100000 values, a run within tabsim run's limits"), "\(r.err)")
            #expect(r.out.isEmpty)
        }
    }

    /// The limit logic of --save on a small run: the longest chaos phase allowed is what the
    /// scenario limits leave (one definition, `Fuzzer.longestSavableChaosMs`), and a saved run is
    /// played as `run` plays it before it is written. The full-size run (26 tabs, merge, the longest
    /// chaos allowed, 7 s of a debug build when idle) is `fuzzSavesTheLongestAllowedChaosAsAFileRunAccepts`,
    /// which runs only with TABSYNC_SLOW_TESTS=1.
    @Test func fuzzSavesALongerChaosPhaseAsAFileRunAccepts() async throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("tabsim-long-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let saved = try await tabsim([
            "fuzz", "--seeds", "1", "--start-seed", "130", "--tabs", "8", "--strategy", "merge",
            "--chaos-seconds", "20", "--save", file,
        ])
        #expect(saved.out.contains("saved seed 130 as \(file)"), "\(saved.out)\(saved.err)")
        let replay = try await tabsim(["run", "--quiet", file])
        #expect(replay.status == saved.status, "\(replay.out)\(replay.err)")
        #expect(replay.err.isEmpty, "\(replay.err)")
    }

    /// The longest chaos phase --save allows, on the busiest mix measured (seed 130), with the most
    /// tabs and merge's longer edits: the file is written, and `run` reads it and judges it the same.
    /// 7 s of a debug build on an idle machine, minutes on a loaded one (with 600 s of chaos it took
    /// 294 s and hit a one-minute time limit): run with
    /// `TABSYNC_SLOW_TESTS=1 swift test --filter fuzzSavesTheLongestAllowedChaos`.
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["TABSYNC_SLOW_TESTS"] == "1",
            "a full-size fuzz run: set TABSYNC_SLOW_TESTS=1"))
    func fuzzSavesTheLongestAllowedChaosAsAFileRunAccepts() async throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("tabsim-long-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let saved = try await tabsim([
            "fuzz", "--seeds", "1", "--start-seed", "130", "--tabs", "26",
            "--strategy", "merge", "--chaos-seconds", "300", "--save", file,
        ])
        #expect(saved.out.contains("saved seed 130 as \(file)"), "\(saved.out)\(saved.err)")
        let replay = try await tabsim(["run", "--quiet", file])
        #expect(replay.status == saved.status, "\(replay.out)\(replay.err)")
        #expect(replay.err.isEmpty, "\(replay.err)")
    }

    /// `ui --record` with a path that cannot be written is refused before the UI starts (and before
    /// it asks for a terminal): it used to fail only at exit, with status 0.
    @Test func aRecordPathThatCannotBeWrittenIsRefusedBeforeTheUIStarts() async throws {
        for (path, reason) in [
            ("/etc/passwd/x.yaml", "cannot write /etc/passwd/x.yaml: /etc/passwd is not a directory"),
            ("/nonexistent/dir/x.yaml", "cannot write /nonexistent/dir/x.yaml: no such directory /nonexistent/dir"),
        ] {
            let r = try await tabsim(["ui", "--record", path])
            #expect(r.status == 2, "\(r.out)\(r.err)")
            #expect(r.err.contains(reason), "\(r.err)")
            #expect(!r.err.contains("needs a terminal"), "checked the terminal before the path: \(r.err)")
            #expect(!r.out.contains("session saved"), "\(r.out)")
        }
    }

    @Test(arguments: [
        ("/nonexistent/x.yaml", "cannot write /nonexistent/x.yaml: no such directory /nonexistent"),
        ("/tmp", "cannot write /tmp: it is a directory"),
    ])
    func fuzzSaveToAPathItCannotWriteExitsTwoBeforeRunning(path: String, message: String) async throws {
        let r = try await tabsim(["fuzz", "--seeds", "1", "--save", path])
        #expect(r.status == 2, "\(r.out)\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(r.out.isEmpty, "ran seeds before checking --save: \(r.out)")
    }

    @Test(arguments: [
        (["fuzz", "--seeds", "-3"], "--seeds must be at least 1 (got -3)"),
        (["fuzz", "--tabs", "-3"], "--tabs must be between 1 and 26 (tabs are named A to Z; got -3)"),
        (["fuzz", "--chaos-seconds", "-30"], "--chaos-seconds must be between 1 and 86400 (got -30)"),
        (["bench", "--rounds", "-1"], "--rounds must be at least 1 (got -1)"),
        (["bench", "--tabs", "-4"], "--tabs: '-4' is not a tab count from 2 to 64"),
        (["ui", "--heartbeat", "-5"], "--heartbeat must be more than 0 (got -5)"),
        (["ui", "--tabs", "-2"], "--tabs must be between 1 and 26 (tabs are named A to Z; got -2)"),
        (["tab", "--throttle", "-1"], "--throttle must be 0 or more (got -1)"),
        (["bench-live", "--updates", "-7"], "--updates must be at least 1 (got -7)"),
    ])
    func aNegativeNumberIsRefusedByItsRangeNotAsAMissingValue(args: [String], message: String) async throws {
        let r = try await tabsim(args)
        #expect(r.status != 0)
        #expect(r.err.contains(message), "\(r.err)")
        #expect(!r.err.contains("Missing value"), "\(r.err)")
    }

    /// `--tabs` and `--strategy` mean the same in the UI and in fuzz: one declaration, one check.
    @Test func theUIAndFuzzShareTabsAndStrategy() async throws {
        let ui = try await tabsim(["ui", "--tabs", "27"])
        let fuzz = try await tabsim(["fuzz", "--tabs", "27"])
        #expect(ui.status != 0 && fuzz.status != 0)
        let message = "--tabs must be between 1 and 26 (tabs are named A to Z; got 27)"
        #expect(ui.err.contains(message) && fuzz.err.contains(message), "\(ui.err)\(fuzz.err)")
        let uiHelp = try await tabsim(["ui", "--help"]).out
        let fuzzHelp = try await tabsim(["fuzz", "--help"]).out
        for option in ["--tabs <tabs>", "--strategy <strategy>"] {
            let line = { (help: String) in help.split(separator: "\n").first { $0.hasPrefix("  " + option) } }
            #expect(line(uiHelp) != nil && line(uiHelp) == line(fuzzHelp), "\(option)")
        }
        let merged = try await tabsim(["fuzz", "--seeds", "1", "--tabs", "3", "--strategy", "merge"])
        #expect(merged.out.contains("fuzz: 1 seeds (1...1), 3 tabs, merge: "), "\(merged.out)")
    }

    @Test(arguments: [
        ["--tabs", "1"], ["--tabs", "2,x"], ["--tabs", "2,,4"], ["--tabs", "65"],
        ["--updates", "0"], ["--rounds", "-1"], ["--messages", "0"],
    ])
    func benchRefusesSizesItCannotRunNamingTheOption(args: [String]) async throws {
        let r = try await tabsim(["bench"] + args)
        #expect(r.status != 0)
        #expect(r.err.contains(args[0]), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test(arguments: ["run", "fuzz"])
    func helpExplainsWithExamples(command: String) async throws {
        let r = try await tabsim([command, "--help"])
        #expect(r.status == 0)
        #expect(r.out.contains("Examples:"))
        #expect(r.out.contains("tabsim \(command) "))
    }
}
