import ArgumentParser
import Foundation
import TabSimUI
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
              tabsim --scenario Examples/04-partition-two-leaders-heal.yaml
            Set NO_COLOR to draw without colours.
            """
    )

    @Option(help: "How many tabs to open (1-26).") var tabs = 3
    @Option(help: "Conflict strategy: last-write-wins, first-write-wins, merge or custom.") var strategy: ConflictStrategy = .lastWriteWins
    @Option(help: "Seed of the simulation.") var seed: UInt64 = 1
    @Option(help: "Start from a scenario file and play its steps.") var scenario: String?
    @Option(help: "Leader heartbeat interval in milliseconds.") var heartbeat = 1000

    func validate() throws {
        guard (1...26).contains(tabs) else { throw ValidationError("--tabs must be between 1 and 26") }
        guard heartbeat > 0 else { throw ValidationError("--heartbeat must be more than 0") }
        if let scenario, !FileManager.default.isReadableFile(atPath: scenario) {
            throw ValidationError("--scenario: cannot read \(scenario)")
        }
    }

    func run() throws {
        var options = UIOptions()
        options.tabs = tabs
        options.strategy = strategy
        options.seed = seed
        options.heartbeatMs = heartbeat
        options.scenarioPath = scenario
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        let status: Int32
        do {
            status = try TerminalUI.run(options: options, noColor: noColor)
        } catch {
            printError("tabsim: \(error)")
            throw ExitCode(2)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
