import ArgumentParser
import Foundation
import TabSimUI
import TabSimulator
import TabSync

/// The default command: the terminal UI.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the terminal UI: simulated tabs side by side, live traffic, keys that break things.",
        discussion: """
            Press ? in the UI for every key. Examples:
              tabsim                          three tabs, election on
              tabsim --tabs 6 --strategy merge
              tabsim --record session.yaml    then: tabsim run session.yaml
              tabsim --cast demo.cast         then: asciinema play demo.cast
              tabsim --scenario Examples/04-partition-two-leaders-heal.yaml
            With --scenario the file's seed, tabs and strategy apply: an
            option that contradicts the file is refused, one the file
            leaves open applies. NO_COLOR=1 draws without colours. Needs a
            terminal: without one (stdin or stdout not a TTY) it exits 2.
            """
    )

    @OptionGroup var simulation: SimulationArguments
    @Option(parsing: .unconditional, help: "Seed of the simulation (default 1).") var seed: UInt64?
    @Option(help: "Start from a scenario file and play its steps.") var scenario: String?
    @Option(parsing: .unconditional, help: "Leader heartbeat interval in milliseconds (default 1000).")
    var heartbeat: Int?
    @Option(
        help: ArgumentHelp(
            "Write the session to this scenario file on exit (and on w); tabsim run replays it. "
                + "A path that cannot be written is refused before the UI starts (exit 2); "
                + "a write that fails at exit is reported, exit 2."))
    var record: String?
    @Option(
        help: ArgumentHelp(
            "Write an asciinema cast (format v2) of the screen as drawn to this file, in the wall time you saw; "
                + "asciinema play FILE, or a browser player, replays it."))
    var cast: String?
    @Option(
        help: ArgumentHelp(
            "Play the last tab by this command, an external tab implementing the spec "
                + "(e.g. \"node Examples/external/spec-tab.mjs\"); its pane is marked [ext]."))
    var external: String?

    func validate() throws {
        if let heartbeat, heartbeat <= 0 { throw ValidationError("--heartbeat must be more than 0 (got \(heartbeat))") }
        if let scenario, !FileManager.default.isReadableFile(atPath: scenario) {
            throw ValidationError("--scenario: cannot read \(scenario)")
        }
    }

    func run() throws {
        // A path the recording cannot go to is refused before the session starts, not found at exit.
        if let record { try WritableFile.check(record) }
        if let cast { try WritableFile.check(cast) }
        let options = UIOptions(
            tabs: simulation.tabs, strategy: simulation.strategy, seed: seed, heartbeatMs: heartbeat,
            scenarioPath: scenario)
        var start: Scenario
        let session: UISession
        do {
            start = try options.startingScenario()
            if let external { start.options.externalTabs[try Self.lastOpened(start)] = external }
            session = try UISession(scenario: start)
        } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            printError(
                "tabsim: the terminal UI needs a terminal (stdin and stdout must be a TTY). "
                    + "Headless: tabsim run FILE, tabsim demo or tabsim fuzz.")
            throw ExitCode(2)
        }
        var state = UIState()
        state.recordPath = record
        if scenario != nil { state.message = "playing \(start.name)" }
        let played = try Self.play(session, from: state, cast: cast, title: "tabsim, seed \(start.seed)")
        state = played.state
        let signal = Terminal.receivedStopSignal
        let time = formatTime(session.simulation.nowMs).drop { $0 == " " }
        let bySignal = signal != 0 ? ", by signal \(signal)" : ""
        print("tabsim: stopped at virtual time \(time), seed \(start.seed)\(bySignal)")
        if let path = state.recordPath {
            do {
                let file = try session.scenarioFile()
                try UIEffect.writeToDisk(path: path, contents: file.text)
                let actions = "\(file.actions) action\(file.actions == 1 ? "" : "s")"
                print("tabsim: session saved to \(path) (\(actions)). Replay: tabsim run \(path)")
            } catch {
                printError("tabsim: \(error); the session was not saved")
                throw ExitCode(2)
            }
        } else {
            // Without --record the session is still kept, in a temporary file of its own.
            do {
                let kept = try KeptSession.keep(session, in: KeptSession.temporaryDirectory)
                let actions = "\(kept.actions) action\(kept.actions == 1 ? "" : "s")"
                print("tabsim: session kept in \(kept.path) (\(actions)). Replay: tabsim run \(kept.path)")
            } catch {
                printError("tabsim: \(error); the session was not kept")
            }
            print(
                "tabsim: start the same way with: \(options.startCommand(start)) (add --record FILE to keep your keys)")
        }
        if played.castFailed { throw ExitCode(2) }
        if signal != 0 { throw ExitCode(128 + signal) }
    }

    /// The tab `--external` plays: the last one the starting scenario opens.
    static func lastOpened(_ scenario: Scenario) throws -> String {
        let opened = scenario.steps.compactMap { step -> String? in
            if case .action(.open(let tab, _)) = step.kind { return tab }
            return nil
        }
        guard let last = opened.last else { throw SimulationError("--external: the scenario opens no tab") }
        return last
    }

    /// Runs the terminal UI on a session until `q` or a signal; the terminal is restored after.
    /// With `cast`, every frame drawn also goes to that asciinema cast; the cast's path and size are
    /// printed at the end, or why it could not be written (exit 2).
    static func play(_ session: UISession, from state: UIState, cast: String?, title: String) throws -> (
        state: UIState, castFailed: Bool
    ) {
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        Terminal.installStopSignals()
        let terminal = Terminal(useColor: !noColor, mouse: true)
        let clock = SystemClock()
        var device: any TerminalDevice = terminal
        var recorder: CastRecorder?
        if let cast {
            do {
                let r = try CastRecorder(
                    path: cast, wrapping: terminal, clock: clock, timestamp: Int(Date().timeIntervalSince1970),
                    title: title, colors: terminal.colors)
                recorder = r
                device = r
            } catch {
                terminal.restore()
                printError("tabsim: \(error)")
                throw ExitCode(2)
            }
        }
        let end = TerminalUI.run(
            state, session: session, device: device, clock: clock, shouldStop: { Terminal.receivedStopSignal != 0 })
        terminal.restore()
        var castFailed = false
        if let recorder {
            if let failure = recorder.finish() {
                printError("tabsim: \(failure); the cast is incomplete")
                castFailed = true
            } else {
                print(
                    "tabsim: cast written to \(recorder.path) (\(recorder.bytes) bytes). Play: asciinema play \(recorder.path)"
                )
            }
        }
        return (end, castFailed)
    }
}
