import Foundation
import Testing

/// The real `tabsim` binary under tmux, driven by keys, read from the screen (shared/TERMINAL.md).
/// The only test that waits in real time: it polls the screen until what it expects appears.
@Suite(.serialized) struct EndToEndTests {
    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `tabsim` sits next to the test bundle in the build folder (`swift test` builds every product).
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tabsim").path
    }

    final class Session {
        let tmux: String
        let socket: String
        let statusFile: String
        let name = "e2e"

        /// Where the pane's shell writes `stty -a` after the UI ends: the terminal modes it left.
        let sttyFile: String

        init(tmux: String, command: String, width: Int = 160, height: Int = 48) throws {
            self.tmux = tmux
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tabsim-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            socket = dir.appendingPathComponent("tmux.sock").path
            statusFile = dir.appendingPathComponent("status").path
            sttyFile = dir.appendingPathComponent("stty").path
            // After the UI: its status, the terminal modes it left, then a shell that stays so the
            // pane's cursor and screen can still be read.
            let after = "echo $? > \(statusFile).tmp; stty -a > \(sttyFile); mv \(statusFile).tmp \(statusFile); sleep 60"
            try run([
                "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "-e", "LANG=C.UTF-8",
                "\(command); \(after)",
            ])
            try run(["set-option", "-t", name, "remain-on-exit", "on"])
        }

        /// Runs a tmux command and returns what it printed. Spawned and reaped directly: Foundation's
        /// Process waits on a run loop that test threads do not run, and the server that
        /// `new-session` forks would hold a pipe open forever, so output goes through a file.
        @discardableResult
        func run(_ args: [String]) throws -> String {
            let outFile = socket + ".out"
            var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(
                &actions, 1, args.first == "new-session" ? "/dev/null" : outFile,
                O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ([tmux, "-S", socket, "-f", "/dev/null"] + args).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            // The test runner's threads block or ignore some signals; tmux and the UI under it must
            // get SIGWINCH, SIGINT and SIGTERM as in a real terminal, so start them with defaults.
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var none = sigset_t()
            var all = sigset_t()
            sigemptyset(&none)
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            var pid: pid_t = 0
            guard posix_spawn(&pid, tmux, &actions, &attributes, argv, environ) == 0 else {
                throw CocoaError(.fileNoSuchFile)
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            if args.first == "new-session" { return "" }
            return (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        }

        func screen() -> String { (try? run(["capture-pane", "-p", "-t", name])) ?? "" }
        func keys(_ keys: String...) throws { try run(["send-keys", "-t", name] + keys) }
        func resize(_ w: Int, _ h: Int) throws { try run(["resize-window", "-t", name, "-x", "\(w)", "-y", "\(h)"]) }

        /// Polls until `condition` holds on the screen, or fails after `seconds`.
        @discardableResult
        func waitFor(_ what: String, seconds: Double = 20, _ condition: (String) -> Bool) -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var last = ""
            while Date() < deadline {
                last = screen()
                if condition(last) { return last }
                usleep(50_000)
            }
            Issue.record("timed out waiting for \(what); screen was:\n\(last)")
            return last
        }

        func exitStatus(seconds: Double = 10) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let s = try? String(contentsOfFile: statusFile, encoding: .utf8), !s.isEmpty {
                    return s.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                usleep(50_000)
            }
            return nil
        }

        deinit {
            _ = try? run(["kill-server"])
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: socket).deletingLastPathComponent().path)
        }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The pid of the program the pane's shell runs.
    static func childPid(_ s: Session) throws -> Int32 {
        let shell = try s.run(["display-message", "-p", "-t", s.name, "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return try #require(children.split(separator: " ").first.flatMap { Int32($0) })
    }

    /// After the UI ended: the normal screen, the cursor shown, echo on.
    static func expectTerminalRestored(_ s: Session, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let flags = try s.run(["display-message", "-p", "-t", s.name, "#{alternate_on} #{cursor_flag}"])
        #expect(
            flags.trimmingCharacters(in: .whitespacesAndNewlines) == "0 1", "alternate screen, cursor",
            sourceLocation: sourceLocation)
        let stty = (try? String(contentsOfFile: s.sttyFile, encoding: .utf8)) ?? ""
        #expect(
            stty.contains(" echo ") && stty.contains(" icanon "), "stty -a: \(stty)", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed: the end-to-end UI test needs it (CI installs it)"))
    func threeTabsThemeKillResizeHelpQuit() throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.binary),
            "no tabsim binary at \(Self.binary): run swift build first")
        let s = try Session(tmux: Self.tmux!, command: "\(Self.binary) --seed 1")

        // Three panes, one leader (A, the oldest).
        let first = s.waitFor("three panes and a leader") { $0.contains("LEADER  epoch") && $0.contains("C  tab-") }
        #expect(Self.count("  tab-", in: first) == 3)
        #expect(Self.count("LEADER  epoch", in: first) == 1)
        #expect(first.contains("A  tab-0-"))

        // t in the selected tab (A): the theme reaches every pane.
        try s.keys("t")
        s.waitFor("the theme in every pane") { Self.count("theme      dark", in: $0) == 3 }

        // k on the leader: another pane becomes LEADER.
        try s.keys("1", "k")
        let after = s.waitFor("a new leader") { screen in
            let firstLine = screen.split(separator: "\n").dropFirst().first ?? ""
            return screen.contains(" dead") && Self.count("LEADER  epoch", in: screen) == 1
                && !firstLine.hasPrefix(" LEADER")
        }
        #expect(after.contains("leader B (epoch 2)"))

        // Resizing re-lays out at once; too small says so.
        try s.resize(60, 40)
        s.waitFor("panes wrapped into rows") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 12 && lines[0].contains("A  tab-") && lines[11].contains("C  tab-")
        }
        try s.resize(50, 12)
        s.waitFor("the too-small message") { $0.contains("Terminal too small: 50x12") }
        try s.resize(160, 48)
        s.waitFor("the full layout again") { $0.contains("Traffic log") }

        // Help opens and closes.
        try s.keys("?")
        s.waitFor("the help overlay") {
            $0.contains("TabSync simulator: keys") && $0.contains("force the selected tab to lead")
        }
        try s.keys("?")
        s.waitFor("help closed") { !$0.contains("TabSync simulator: keys") }

        // q quits with status 0 and gives the terminal back.
        try s.keys("q")
        #expect(s.exitStatus() == "0")
        let final = s.waitFor("the UI gone") { !$0.contains("Traffic log") }
        #expect(!final.contains("LEADER"))
        let alternate = try s.run(["display-message", "-p", "-t", s.name, "#{alternate_on}"])
        #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func sigtermAndNoColorStillRestoreTheTerminal() throws {
        let s = try Session(tmux: Self.tmux!, command: "NO_COLOR=1 \(Self.binary) --tabs 2 --seed 3")
        s.waitFor("two panes") { $0.contains("B  tab-") && $0.contains("LEADER  epoch") }
        try s.keys(" ")  // paused: blocked in getch, the signal must still get through
        s.waitFor("paused") { $0.contains("PAUSED") }
        // SIGTERM to tabsim itself: the child of the pane's shell.
        kill(try Self.childPid(s), SIGTERM)
        #expect(s.exitStatus() == "143")
        s.waitFor("the UI gone") { !$0.contains("Traffic log") }
        let alternate = try s.run(["display-message", "-p", "-t", s.name, "#{alternate_on}"])
        #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    /// A trap (what a force-unwrap or an overflow does) kills the process with SIGILL: the terminal
    /// is put back first, and the process still dies of the signal.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"), arguments: [SIGILL, SIGSEGV, SIGABRT])
    func aFatalSignalStillRestoresTheTerminal(signal: Int32) throws {
        let s = try Session(tmux: Self.tmux!, command: "\(Self.binary) --seed 2")
        s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        kill(try Self.childPid(s), signal)
        #expect(s.exitStatus() == "\(128 + signal)")
        try Self.expectTerminalRestored(s)
    }

    /// Under TERM=xterm-256color tmux still sends its own Home and End sequences: they scroll the
    /// log instead of selecting tab 1 or complaining about tab 4.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func homeEndAndPagesWorkWhateverTermSays() throws {
        let s = try Session(
            tmux: Self.tmux!, command: "TERM=xterm-256color \(Self.binary) --seed 1 --tabs 3", width: 120, height: 30)
        s.waitFor("three panes") { $0.contains("C  tab-") && $0.contains("LEADER  epoch") }
        try s.keys("2")
        s.waitFor("B selected") { $0.contains("> B  tab-") }
        try s.keys("Home")
        s.waitFor("scrolled to the oldest line") { $0.contains("[scrolled back") && $0.contains("0.000s A") }
        try s.keys("End")
        let after = s.waitFor("following again") { !$0.contains("[scrolled back") }
        try s.keys("PPage")
        s.waitFor("a page back") { $0.contains("[scrolled back") }
        try s.keys("NPage", "NPage", "F5", "Insert")
        let final = s.waitFor("following again") { !$0.contains("[scrolled back") }
        for screen in [after, final] {
            #expect(screen.contains("> B  tab-"))
            #expect(!screen.contains("no tab"))
        }
        try s.keys("q")
        #expect(s.exitStatus() == "0")
    }

    /// Growing the window, opening help and quitting leaves nothing of the UI on the normal screen;
    /// --record writes the session and the exit line says how to replay it.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func growHelpQuitLeavesNothingBehindAndPrintsTheReplay() throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-e2e-record-\(getpid()).yaml")
            .path
        defer { try? FileManager.default.removeItem(atPath: record) }
        let s = try Session(
            tmux: Self.tmux!, command: "\(Self.binary) --seed 5 --record \(record)", width: 120, height: 30)
        s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        try s.keys("t")
        try s.resize(200, 60)
        s.waitFor("the larger layout") { $0.split(separator: "\n").first.map { $0.count > 120 } ?? false }
        try s.keys("?")
        s.waitFor("help") { $0.contains("TabSync simulator: keys") }
        try s.keys("q")
        #expect(s.exitStatus() == "0")
        let final = s.waitFor("the exit lines") { $0.contains("Replay: tabsim run") }
        for leftover in ["Traffic log", "TabSync simulator", "LEADER", "tab-", "sessionToken", "1-9 select"] {
            #expect(!final.contains(leftover), "left on the normal screen: \(leftover)\n\(final)")
        }
        #expect(final.contains("seed 5"))
        try Self.expectTerminalRestored(s)
        let yaml = try String(contentsOfFile: record, encoding: .utf8)
        #expect(yaml.contains("seed: 5") && yaml.contains("set: {tab: \"A\", \"theme\": \"dark\"}"))
        // The recording replays headless with every expectation holding.
        let replay = try NonTTYTests().run(["run", "--quiet", record], stdin: "/dev/null")
        #expect(replay.status == 0, "tabsim run \(record): \(replay.stderr)")
    }
}
