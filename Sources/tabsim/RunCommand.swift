import ArgumentParser

// Owned by the simulator work (issue 4).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run scenario files headless.")
}
