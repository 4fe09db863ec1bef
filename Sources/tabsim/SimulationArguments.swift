import ArgumentParser
import TabSimulator
import TabSync

/// The options that shape a simulated session, declared and checked once for the commands that
/// share their meaning (`tabsim` for the UI, `tabsim fuzz`). Each is optional: the command gives
/// its own default, and the UI's scenario file may set them instead.
struct SimulationArguments: ParsableArguments {
    @Option(parsing: .unconditional, help: "How many tabs (1-26; default 3 in the UI, 4 per fuzz run).")
    var tabs: Int?

    @Option(help: "Conflict strategy (default last-write-wins).") var strategy: ConflictStrategy?

    func validate() throws {
        if let tabs, !(1...DemoSetup.maxTabs).contains(tabs) {
            throw ValidationError(
                "--tabs must be between 1 and \(DemoSetup.maxTabs) (tabs are named A to Z; got \(tabs))")
        }
    }
}
