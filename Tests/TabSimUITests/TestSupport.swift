import TabSimulator
import TabSync

@testable import TabSimUI

/// A UI session of the demo setup, with files written to a dictionary instead of the disk.
final class Harness {
    let session: UISession
    var state = UIState()

    convenience init(
        tabs: Int = 3, strategy: ConflictStrategy = .lastWriteWins, seed: UInt64 = 1, width: Int = 120,
        height: Int = 30
    ) throws {
        try self.init(
            scenario: DemoSetup.scenario(tabs: tabs, strategy: strategy, seed: seed), width: width, height: height)
    }

    init(scenario: Scenario, pausesAtPrompts: Bool = false, width: Int = 120, height: Int = 30) throws {
        let box = Box()
        session = try UISession(scenario: scenario, pausesAtPrompts: pausesAtPrompts) { path, text in
            box.files[path] = text
        }
        self.box = box
        send(.resize(width: width, height: height))
    }

    private final class Box { var files: [String: String] = [:] }
    private let box: Box
    /// Files the session wrote, by path.
    var written: [String: String] { box.files }

    func send(_ action: UIAction) { UIUpdate.update(&state, action, session) }

    /// Runs `ms` of virtual time at speed x1.
    func run(ms: Int) { send(.tick(wallMs: Double(ms) / state.speed)) }

    var sim: Simulation { session.simulation }
    var frame: Frame { Presenter.frame(state, session) }
    var screen: ScreenBuffer { Renderer.render(frame) }

    var panes: [PaneModel] {
        guard case .main(let main) = frame.content else { return [] }
        return main.panes
    }

    var status: String {
        guard case .main(let main) = frame.content else { return "" }
        return main.status
    }
}
