import ArgumentParser

// Owned by the simulator work (issue 4).
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fuzz", abstract: "Random fault schedules, checked invariants.")
}
