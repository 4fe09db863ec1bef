import ArgumentParser

// Owned by the terminal UI work (issue 5); until it lands, the default command runs the demo.
struct UICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ui", abstract: "Open the terminal UI.")
    func run() throws { try DemoCommand.parse([]).run() }
}
