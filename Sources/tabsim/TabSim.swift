import ArgumentParser

/// `tabsim`: with no arguments, the terminal UI; subcommands run scenarios, fuzzing and benchmarks headless.
@main
struct TabSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabsim",
        abstract: "Simulate browser tabs syncing state and electing a leader over a broadcast channel.",
        discussion: """
            With no subcommand, opens the terminal UI. Examples:
              tabsim                          open the UI with three tabs
              tabsim demo                     print the debug log of a short three-tab session
              tabsim run Examples/*.yaml      run scenario files headless
              tabsim fuzz --seeds 1000        random faults, checked invariants
              tabsim bench --compare          measure, beside Node's BroadcastChannel
            """,
        subcommands: [
            UICommand.self, DemoCommand.self, RunCommand.self, FuzzCommand.self, BenchCommand.self,
            LearnCommand.self, TabCommand.self, WatchCommand.self, LiveBenchCommand.self,
        ],
        defaultSubcommand: UICommand.self
    )
}
