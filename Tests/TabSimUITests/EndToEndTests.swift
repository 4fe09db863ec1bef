import Foundation
import TabsimTestSupport
import Testing

/// The real `tabsim` binary under tmux, driven by keys, read from the screen (`TabsimTestSupport`).
/// The only test that waits in real time: it polls the screen until what it expects appears, with
/// deadlines of two minutes, far beyond what a loaded machine needs (a condition that holds
/// returns at once): none is a measure of speed.
@Suite(.serialized) struct EndToEndTests {
    static let tmux: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `tabsim` sits next to the test bundle in the build folder (`swift test` builds every product).
    static var binary: String { Tabsim.binary }

    final class Session {
        let tmux: String
        let socket: String
        let statusFile: String
        let name = "e2e"
        /// Where the pane's shell writes `stty -a` after the UI ends: the terminal modes it left.
        let sttyFile: String
        /// The tmux server this session started, ended with the session.
        private(set) var serverPid: pid_t = 0

        private init(tmux: String) throws {
            self.tmux = tmux
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
                "tabsim-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            socket = dir.appendingPathComponent("tmux.sock").path
            statusFile = dir.appendingPathComponent("status").path
            sttyFile = dir.appendingPathComponent("stty").path
        }

        /// A detached tmux session of `width` x `height` running `command`.
        static func start(tmux: String, command: String, width: Int = 160, height: Int = 48) async throws -> Session {
            let s = try Session(tmux: tmux)
            // After the UI: its status, the terminal modes it left, then a shell that stays so the
            // pane's cursor and screen can still be read.
            let after =
                "echo $? > \(s.statusFile).tmp; stty -a > \(s.sttyFile); "
                + "mv \(s.statusFile).tmp \(s.statusFile); sleep 60"
            // The server that `new-session` forks would hold an output pipe open for ever: no output is kept.
            let started = try await Tabsim.discardingOutput(
                tmux,
                s.tmuxArguments([
                    "new-session", "-d", "-s", s.name, "-x", "\(width)", "-y", "\(height)", "-e", "LANG=C.UTF-8",
                    "\(command); \(after)",
                ]))
            #expect(started == 0, "tmux new-session exited \(started)")
            try await s.run(["set-option", "-t", s.name, "remain-on-exit", "on"])
            s.serverPid =
                pid_t(
                    try await s.run(["display-message", "-p", "#{pid}"])
                        .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return s
        }

        private func tmuxArguments(_ args: [String]) -> [String] { ["-S", socket, "-f", "/dev/null"] + args }

        /// Runs a tmux command and returns what it printed.
        @discardableResult
        func run(_ args: [String]) async throws -> String {
            try await Tabsim.process(tmux, tmuxArguments(args)).out
        }

        func screen() async -> String { (try? await run(["capture-pane", "-p", "-t", name])) ?? "" }
        func keys(_ keys: String...) async throws { try await run(["send-keys", "-t", name] + keys) }
        func resize(_ w: Int, _ h: Int) async throws {
            try await run(["resize-window", "-t", name, "-x", "\(w)", "-y", "\(h)"])
        }

        /// Polls until `condition` holds on the screen, or fails after `seconds`.
        @discardableResult
        func waitFor(_ what: String, seconds: Double = 120, _ condition: (String) -> Bool) async -> String {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            var last = ""
            repeat {
                last = await screen()
                if condition(last) { return last }
                try? await Task.sleep(for: .milliseconds(50))
            } while ContinuousClock.now < deadline
            last = await screen()
            if condition(last) { return last }
            Issue.record("timed out waiting for \(what); screen was:\n\(last)")
            return last
        }

        /// The UI's exit status, once the pane's shell has written it.
        func exitStatus(seconds: Double = 120) async -> String? {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            repeat {
                if let s = try? String(contentsOfFile: statusFile, encoding: .utf8), !s.isEmpty {
                    return s.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                try? await Task.sleep(for: .milliseconds(50))
            } while ContinuousClock.now < deadline
            return nil
        }

        deinit {
            if serverPid > 0 { kill(serverPid, SIGTERM) }
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: socket).deletingLastPathComponent().path)
        }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The pid of the program the pane's shell runs.
    static func childPid(_ s: Session) async throws -> Int32 {
        let shell = try await s.run(["display-message", "-p", "-t", s.name, "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return try #require(children.split(separator: " ").first.flatMap { Int32($0) })
    }

    /// After the UI ended: the normal screen, the cursor shown, echo on.
    static func expectTerminalRestored(_ s: Session, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let flags = try await s.run(["display-message", "-p", "-t", s.name, "#{alternate_on} #{cursor_flag}"])
        #expect(
            flags.trimmingCharacters(in: .whitespacesAndNewlines) == "0 1", "alternate screen, cursor",
            sourceLocation: sourceLocation)
        let stty = (try? String(contentsOfFile: s.sttyFile, encoding: .utf8)) ?? ""
        #expect(
            stty.contains(" echo ") && stty.contains(" icanon "), "stty -a: \(stty)", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed: the end-to-end UI test needs it (CI installs it)"))
    func threeTabsThemeKillResizeHelpQuit() async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.binary),
            "no tabsim binary at \(Self.binary): run swift build first")
        let s = try await Session.start(tmux: Self.tmux!, command: "\(Self.binary) --seed 1")

        // Three panes, one leader (A, the oldest).
        let first = await s.waitFor("three panes and a leader") {
            $0.contains("LEADER  epoch") && $0.contains("C  tab-")
        }
        #expect(Self.count("  tab-", in: first) == 3)
        #expect(Self.count("LEADER  epoch", in: first) == 1)
        #expect(first.contains("A  tab-0-"))

        // t in the selected tab (A): the theme reaches every pane.
        try await s.keys("t")
        await s.waitFor("the theme in every pane") { Self.count("theme      dark", in: $0) == 3 }

        // k on the leader: another pane becomes LEADER.
        try await s.keys("1", "k")
        let after = await s.waitFor("a new leader") { screen in
            let firstLine = screen.split(separator: "\n").dropFirst().first ?? ""
            return screen.contains(" crashed") && Self.count("LEADER  epoch", in: screen) == 1
                && !firstLine.hasPrefix(" LEADER")
        }
        #expect(after.contains("leader B (epoch 2)"))

        // Resizing re-lays out at once; too small says so.
        try await s.resize(60, 40)
        await s.waitFor("panes wrapped into rows") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 12 && lines[0].contains("A  tab-") && lines[11].contains("C  tab-")
        }
        try await s.resize(50, 12)
        await s.waitFor("the too-small message") { $0.contains("Terminal too small: 50x12") }
        try await s.resize(160, 48)
        await s.waitFor("the full layout again") { $0.contains("Traffic log") }

        // Help opens and closes.
        try await s.keys("?")
        await s.waitFor("the help overlay") {
            $0.contains("TabSync simulator: keys") && $0.contains("force the selected tab to lead")
        }
        try await s.keys("?")
        await s.waitFor("help closed") { !$0.contains("TabSync simulator: keys") }

        // q quits with status 0 and gives the terminal back.
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        let final = await s.waitFor("the UI gone") { !$0.contains("Traffic log") }
        #expect(!final.contains("LEADER"))
        let alternate = try await s.run(["display-message", "-p", "-t", s.name, "#{alternate_on}"])
        #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func sigtermAndNoColorStillRestoreTheTerminal() async throws {
        let s = try await Session.start(tmux: Self.tmux!, command: "NO_COLOR=1 \(Self.binary) --tabs 2 --seed 3")
        await s.waitFor("two panes") { $0.contains("B  tab-") && $0.contains("LEADER  epoch") }
        try await s.keys(" ")  // paused: blocked in getch, the signal must still get through
        await s.waitFor("paused") { $0.contains("PAUSED") }
        // SIGTERM to tabsim itself: the child of the pane's shell.
        let pid = try await Self.childPid(s)
        kill(pid, SIGTERM)
        #expect(await s.exitStatus() == "143")
        await s.waitFor("the UI gone") { !$0.contains("Traffic log") }
        let alternate = try await s.run(["display-message", "-p", "-t", s.name, "#{alternate_on}"])
        #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    /// A trap (what a force-unwrap or an overflow does) kills the process with SIGILL: the terminal
    /// is put back first, and the process still dies of the signal.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"), arguments: [SIGILL, SIGSEGV, SIGABRT])
    func aFatalSignalStillRestoresTheTerminal(signal: Int32) async throws {
        let s = try await Session.start(tmux: Self.tmux!, command: "\(Self.binary) --seed 2")
        await s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        let pid = try await Self.childPid(s)
        kill(pid, signal)
        #expect(await s.exitStatus() == "\(128 + signal)")
        try await Self.expectTerminalRestored(s)
    }

    /// Under TERM=xterm-256color tmux still sends its own Home and End sequences: they scroll the
    /// log instead of selecting tab 1 or complaining about tab 4.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func homeEndAndPagesWorkWhateverTermSays() async throws {
        let s = try await Session.start(
            tmux: Self.tmux!, command: "TERM=xterm-256color \(Self.binary) --seed 1 --tabs 3", width: 120, height: 30)
        await s.waitFor("three panes") { $0.contains("C  tab-") && $0.contains("LEADER  epoch") }
        try await s.keys("2")
        await s.waitFor("B selected") { $0.contains("> B  tab-") }
        try await s.keys("Home")
        await s.waitFor("scrolled to the oldest line") { $0.contains("[scrolled back") && $0.contains("0.000s A") }
        try await s.keys("End")
        let after = await s.waitFor("following again") { !$0.contains("[scrolled back") }
        try await s.keys("PPage")
        await s.waitFor("a page back") { $0.contains("[scrolled back") }
        try await s.keys("NPage", "NPage", "F5", "Insert")
        let final = await s.waitFor("following again") { !$0.contains("[scrolled back") }
        for screen in [after, final] {
            #expect(screen.contains("> B  tab-"))
            #expect(!screen.contains("no tab"))
        }
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
    }

    /// A mouse click selects a pane. ncurses switches the pane's mouse reporting on (tmux shows it
    /// in its flags: the X10 mode for tmux-256color, SGR too for xterm-256color, whose terminfo
    /// says `XM`) and off again at the end; the UI reads both encodings. The reports are typed as
    /// bytes (`send-keys -H`): a detached tmux has no client to click in, and what a terminal
    /// sends for a click is exactly these bytes.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"), arguments: ["tmux-256color", "xterm-256color"])
    func aMouseClickSelectsAPane(term: String) async throws {
        let s = try await Session.start(
            tmux: Self.tmux!, command: "TERM=\(term) \(Self.binary) --seed 1 --tabs 3", width: 120, height: 30)
        await s.waitFor("three panes") { $0.contains("C  tab-") && $0.contains("LEADER  epoch") }
        let flags = "#{mouse_standard_flag}#{mouse_sgr_flag}"
        let on = try await s.run(["display-message", "-p", "-t", s.name, flags])
        #expect(on.hasPrefix(term.hasPrefix("xterm") ? "11" : "10"), "mouse flags (1000, 1006): \(on)")
        func hex(_ text: String) -> [String] { text.utf8.map { String(format: "%02x", $0) } }
        // X10: a press at column 46, row 4 (1-based; each plus 32): inside B's pane.
        try await s.run(["send-keys", "-t", s.name, "-H", "1b", "5b", "4d", "20", hex("N")[0], hex("$")[0]])
        await s.waitFor("B selected by the click") { $0.contains("> B  tab-") }
        // SGR: a press and its release at column 90, row 4: inside C's pane.
        try await s.run(["send-keys", "-t", s.name, "-H"] + hex("\u{1B}[<0;90;4M\u{1B}[<0;90;4m"))
        await s.waitFor("C selected by the click") { $0.contains("> C  tab-") }
        // The wheel scrolls the log back; the click's bytes were never keys (no quit, no select).
        try await s.run(["send-keys", "-t", s.name, "-H"] + hex("\u{1B}[<64;10;15M"))
        let scrolled = await s.waitFor("the log scrolled back") { $0.contains("[scrolled back") }
        #expect(scrolled.contains("> C  tab-"))
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        let off = try await s.run(["display-message", "-p", "-t", s.name, flags])
        #expect(off.hasPrefix("00"), "mouse flags after the UI: \(off)")
        try await Self.expectTerminalRestored(s)
    }

    /// OSC and DCS strings typed at the UI (a terminal's answer, a paste) are swallowed whole: the
    /// `1` of `ESC ] 1 ; q BEL` selects no tab and the `q` inside them quits nothing.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func oscAndDCSStringsAreNotKeys() async throws {
        let s = try await Session.start(
            tmux: Self.tmux!, command: "\(Self.binary) --seed 1 --tabs 3", width: 120, height: 30)
        await s.waitFor("three panes") { $0.contains("C  tab-") && $0.contains("LEADER  epoch") }
        try await s.keys("2")
        await s.waitFor("B selected") { $0.contains("> B  tab-") }
        // ESC ] 1 ; q BEL, then ESC P q ESC \ (a DCS), then 3: only the 3 is a key.
        try await s.run([
            "send-keys", "-t", s.name, "-H", "1b", "5d", "31", "3b", "71", "07", "1b", "50", "71", "1b", "5c",
        ])
        try await s.keys("3")
        // Keys are read in order: had the q quit or the 1 selected A, C would never be selected.
        let screen = await s.waitFor("C selected") { $0.contains("> C  tab-") }
        #expect(!screen.contains("> A  tab-"))
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
    }

    /// Growing the window, opening help and quitting leaves nothing of the UI on the normal screen;
    /// --record writes the session and the exit line says how to replay it.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func growHelpQuitLeavesNothingBehindAndPrintsTheReplay() async throws {
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-e2e-record-\(getpid()).yaml")
            .path
        defer { try? FileManager.default.removeItem(atPath: record) }
        let s = try await Session.start(
            tmux: Self.tmux!, command: "\(Self.binary) --seed 5 --record \(record)", width: 120, height: 30)
        await s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        try await s.keys("t")
        try await s.resize(200, 60)
        await s.waitFor("the larger layout") { $0.split(separator: "\n").first.map { $0.count > 120 } ?? false }
        try await s.keys("?")
        await s.waitFor("help") { $0.contains("TabSync simulator: keys") }
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        let final = await s.waitFor("the exit lines") { $0.contains("Replay: tabsim run") }
        for leftover in ["Traffic log", "TabSync simulator", "LEADER", "tab-", "sessionToken", "1-9 select"] {
            #expect(!final.contains(leftover), "left on the normal screen: \(leftover)\n\(final)")
        }
        #expect(final.contains("seed 5"))
        try await Self.expectTerminalRestored(s)
        let yaml = try String(contentsOfFile: record, encoding: .utf8)
        #expect(yaml.contains("seed: 5") && yaml.contains("set: {tab: \"A\", \"theme\": \"dark\"}"))
        // The recording replays headless with every expectation holding.
        let replay = try await Tabsim.run(["run", "--quiet", record])
        #expect(replay.status == 0, "tabsim run \(record): \(replay.err)")
    }

    /// A recording that cannot be written at exit (a full disk: /dev/full takes the text and fails
    /// on the flush) is reported, exit 2, and never "session saved".
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func aRecordingThatFailsToWriteAtExitIsReportedWithStatusTwo() async throws {
        let s = try await Session.start(
            tmux: Self.tmux!, command: "\(Self.binary) --seed 5 --record /dev/full 2>&1", width: 200, height: 30)
        await s.waitFor("the UI") { $0.contains("LEADER  epoch") }
        try await s.keys("t")
        try await s.keys("q")
        #expect(await s.exitStatus() == "2")
        let final = await s.waitFor("the error") { $0.contains("cannot write /dev/full") }
        #expect(final.contains("No space left on device") && final.contains("the session was not saved"), "\(final)")
        #expect(!final.contains("session saved"), "\(final)")
    }

    /// Real tabs in terminals (`tabsim tab`) and a `tabsim watch`, each under its own tmux: an edit
    /// typed in one tab reaches the other and the watch; q in the leader says goodbye, the other
    /// leads at once, and the terminal is given back.
    @Test(.enabled(if: tmux != nil, "tmux is not installed"))
    func realTabsInTerminalsAndAWatch() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-e2e-real-\(getpid())").path
        try FileManager.default.createDirectory(
            atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tab = "\(Self.binary) tab --dir \(dir) --heartbeat 300"
        let a = try await Session.start(
            tmux: Self.tmux!, command: "\(tab) --name A theme=light", width: 100, height: 30)
        await a.waitFor("A leads") { $0.contains("LEADER  epoch 1") && $0.contains("tab A on app-sync  leading") }
        let b = try await Session.start(
            tmux: Self.tmux!, command: "\(tab) --name B theme=light", width: 100, height: 30)
        await b.waitFor("B follows A") { $0.contains("follower of") && $0.contains("tab B on app-sync  following") }
        let w = try await Session.start(
            tmux: Self.tmux!, command: "\(Self.binary) watch --dir \(dir)", width: 130, height: 30)
        await w.waitFor("the watch hears both tabs") { $0.contains("watch app-sync  2 tabs  leader A (epoch 1)") }

        try await b.keys("t")
        await a.waitFor("B's edit in A") { $0.contains("theme      dark") && $0.contains("Applied remote state") }
        await w.waitFor("both tabs side by side in the watch, the edit heard") { screen in
            let top = screen.split(separator: "\n").first ?? ""
            return top.contains("A  tab-") && top.contains("B  tab-") && screen.contains("theme      dark")
                && screen.contains("watch app-sync  2 tabs  leader A (epoch 1)")
        }

        try await a.keys("q")
        #expect(await a.exitStatus() == "0")
        try await Self.expectTerminalRestored(a)
        await b.waitFor("B leads once A said goodbye") { $0.contains("LEADER  epoch 2") }
        await w.waitFor("A closed, B leading, in the watch") {
            $0.contains("closed") && $0.contains("leader B (epoch 2)")
        }
        for s in [w, b] {
            try await s.keys("q")
            #expect(await s.exitStatus() == "0")
        }
    }

    /// True under CI: a test that needs tmux fails there rather than being skipped.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// `tabsim learn 1 --auto` runs on its own: the first narration holds time, then goes on after
    /// its reading delay without a key; quitting reports the checks that came due, all passed.
    @Test(.enabled(if: tmux != nil || isCI, "tmux is not installed"))
    func aLessonRunsOnItsOwnWithAuto() async throws {
        let tmux = try #require(Self.tmux, "CI=true: tmux must be installed")
        let s = try await Session.start(tmux: tmux, command: "\(Self.binary) learn 1 --auto", width: 160, height: 48)
        await s.waitFor("the first narration, time held") {
            $0.contains("Three tabs share one channel") && $0.contains("WAITING for space (read on)")
        }
        await s.waitFor("the next narration, reached with no key pressed") { $0.contains("B and C ran for election") }
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        let final = await s.waitFor("the lesson's checks, on the normal screen") { $0.contains("checks passed so far") }
        let counts = final.firstMatch(of: /(\d+) of (\d+) checks passed/).map { (Int($0.1)!, Int($0.2)!) }
        #expect(counts.map { $0.0 == $0.1 && $0.0 >= 5 } == true, "\(final)")
        try await Self.expectTerminalRestored(s)
    }

    /// `tabsim learn 4` played as a learner plays it: read the screen, select the tab the panel
    /// names (if it names one), press the key its `WAITING for KEY` line names, until the lesson is
    /// over. Nothing about the lesson is known in advance: the keys all come from the screen.
    @Test(.enabled(if: tmux != nil || isCI, "tmux is not installed"))
    func lessonFourPlaysByTheKeysTheScreenShows() async throws {
        let tmux = try #require(Self.tmux, "CI=true: tmux must be installed")
        let s = try await Session.start(tmux: tmux, command: "\(Self.binary) learn 4", width: 160, height: 45)
        await s.waitFor("the lesson's screen") { $0.contains("Traffic log") }
        try await s.keys(">", ">", ">")  // x10: the lesson's steps come sooner; the waits hold time all the same
        var screen = await s.waitFor("the lesson's first wait") { $0.contains("WAITING for ") }
        var pressed: [String] = []
        let progress = { (screen: String) in screen.firstMatch(of: /Lesson (\d+)\/(\d+)/).map { String($0.0) } }
        for _ in 0..<30 where !screen.contains("Lesson over") {
            guard let wait = screen.firstMatch(of: /WAITING for (\S+) \(([^)]*)\)/) else {
                Issue.record("no WAITING line on the screen:\n\(screen)")
                break
            }
            let key = String(wait.1)
            let step = progress(screen)
            if let select = screen.firstMatch(of: /Select tab (\w) \(key (\d)\)/) {
                try await s.keys(String(select.2))
                await s.waitFor("tab \(select.1) selected") { $0.contains("Press \(key) on tab \(select.1)") }
            }
            try await s.keys(key == "space" ? "Space" : key)
            pressed.append(key)
            screen = await s.waitFor("the lesson to go on past \(wait.0)") { next in
                next.contains("Lesson over") || (next.contains("WAITING for ") && progress(next) != step)
            }
        }
        // The end: every check passed, B leads, A (thawed) follows it, and the lesson was played by
        // the freeze key twice (freeze, then thaw) and space for each narration.
        let over = try #require(screen.firstMatch(of: /Lesson over: (\d+) of (\d+) checks passed/), "\(screen)")
        #expect(over.1 == over.2 && Int(over.1)! >= 10, "\(over.0)")
        #expect(screen.contains("leader B (epoch 2)"), "\(screen)")
        #expect(screen.contains("follower of B"))
        #expect(pressed.filter { $0 == "z" }.count == 2, "\(pressed)")
        #expect(pressed.filter { $0 == "space" }.count >= 3, "\(pressed)")
        try await s.keys("q")
        #expect(await s.exitStatus() == "0")
        let final = await s.waitFor("the lesson's checks, on the normal screen") { $0.contains("checks passed so far") }
        #expect(final.contains("\(over.1) of \(over.2) checks passed so far"), "\(final)")
        try await Self.expectTerminalRestored(s)
    }
}
