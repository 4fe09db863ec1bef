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
              tabsim                                  three tabs, leader election on, last-write-wins
              tabsim --tabs 6 --strategy merge
              tabsim --record session.yaml            then: tabsim run session.yaml
              tabsim --scenario Examples/04-partition-two-leaders-heal.yaml
            With --scenario the file's seed, tabs and strategy apply; an option that contradicts
            the file is refused, one the file leaves open applies. Set NO_COLOR to draw without
            colours. Needs a terminal: with stdin or stdout not a TTY it exits with status 2.
            """
    )

    @Option(help: "How many tabs to open (1-26, default 3).") var tabs: Int?
    @Option(help: "Conflict strategy: \(ConflictStrategy.allCases.map(\.rawValue).joined(separator: ", ")) (default last-write-wins).")
    var strategy: ConflictStrategy?
    @Option(help: "Seed of the simulation (default 1).") var seed: UInt64?
    @Option(help: "Start from a scenario file and play its steps.") var scenario: String?
    @Option(help: "Leader heartbeat interval in milliseconds (default 1000).") var heartbeat: Int?
    @Option(help: "Write the session to this scenario file on exit (and on w); tabsim run replays it.") var record: String?

    func validate() throws {
        if let tabs, !(1...DemoSetup.maxTabs).contains(tabs) {
            throw ValidationError("--tabs must be between 1 and \(DemoSetup.maxTabs) (tabs are named A to Z)")
        }
        if let heartbeat, heartbeat <= 0 { throw ValidationError("--heartbeat must be more than 0") }
        if let scenario, !FileManager.default.isReadableFile(atPath: scenario) {
            throw ValidationError("--scenario: cannot read \(scenario)")
        }
    }

    func run() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            printError("tabsim: the terminal UI needs a terminal (stdin and stdout must be a TTY). "
                       + "Headless: tabsim run FILE, tabsim demo or tabsim fuzz.")
            throw ExitCode(2)
        }
        let start: Scenario
        do { start = try startingScenario() } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        let session: UISession
        do { session = try UISession(scenario: start) } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        var state = UIState()
        state.recordPath = record
        if scenario != nil { state.message = "playing \(start.name)" }
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        Terminal.installStopSignals()
        let terminal = Terminal(useColor: !noColor)
        state = TerminalUI.run(state, session: session, device: terminal, clock: SystemClock(),
                               shouldStop: { Terminal.receivedStopSignal != 0 })
        terminal.restore()
        let signal = Terminal.receivedStopSignal
        print("tabsim: stopped at virtual time \(formatTime(session.simulation.nowMs).drop { $0 == " " }), seed \(start.seed)"
              + (signal != 0 ? ", by signal \(signal)" : ""))
        if let path = state.recordPath {
            do {
                let count = try session.save(to: path)
                print("tabsim: session saved to \(path) (\(count) action\(count == 1 ? "" : "s")). Replay: tabsim run \(path)")
            } catch {
                printError("tabsim: \(error)")
            }
        } else {
            print("tabsim: start the same way with: \(startCommand(start)) (add --record FILE to keep your keys)")
        }
        if signal != 0 { throw ExitCode(128 + signal) }
    }

    /// The scenario file with the options it leaves open applied, or the demo setup from the options.
    func startingScenario() throws -> Scenario {
        guard let path = scenario else {
            return DemoSetup.scenario(tabs: tabs ?? 3, strategy: strategy ?? .lastWriteWins, seed: seed ?? 1,
                                      heartbeatMs: heartbeat ?? 1000)
        }
        var s = try ScenarioParser.load(path: path)
        func refuse(_ option: String, _ value: String, _ file: String) -> ValidationError {
            ValidationError("\(option) \(value) contradicts \(path), which has \(file); leave the option out or edit the file")
        }
        if let seed {
            if s.fieldsGiven.contains("seed"), seed != s.seed { throw refuse("--seed", "\(seed)", "seed \(s.seed)") }
            s.seed = seed
            s.options.seed = seed
        }
        if let strategy {
            let fileStrategy = s.options.config.conflictStrategy
            if s.fieldsGiven.contains("config.conflictStrategy"), strategy != fileStrategy {
                throw refuse("--strategy", strategy.rawValue, "conflictStrategy \(fileStrategy.rawValue)")
            }
            s.options.config.conflictStrategy = strategy
            if strategy == .custom, s.options.config.customResolver == nil {
                s.options.config.customResolver = BuiltinResolvers.all[DemoSetup.customResolverName]
                s.customResolverName = DemoSetup.customResolverName
            }
        }
        if let heartbeat {
            let fileHeartbeat = s.options.config.leaderHeartbeatMs
            if s.fieldsGiven.contains("config.leaderHeartbeatMs"), heartbeat != fileHeartbeat {
                throw refuse("--heartbeat", "\(heartbeat)", "leaderHeartbeatMs \(fileHeartbeat)")
            }
            s.options.config.leaderHeartbeatMs = heartbeat
        }
        if let tabs {
            let opened = s.steps.filter { if case .action(.open) = $0.kind { true } else { false } }.count
            if tabs != opened { throw refuse("--tabs", "\(tabs)", "\(opened) tab\(opened == 1 ? "" : "s") opened by its steps") }
        }
        do { try s.options.config.validate() } catch { throw ValidationError("\(path): \(error.description)") }
        return s
    }

    func startCommand(_ s: Scenario) -> String {
        if let scenario { return "tabsim --scenario \(scenario) --seed \(s.seed)" }
        return "tabsim --seed \(s.seed) --tabs \(tabs ?? 3) --strategy \(s.options.config.conflictStrategy.rawValue)"
            + (heartbeat.map { " --heartbeat \($0)" } ?? "")
    }
}
