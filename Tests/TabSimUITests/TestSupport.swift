import TabSimulator
import TabSync
import Testing

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

    init(
        scenario: Scenario, pausesAtPrompts: Bool = false, holdsNarration: Bool = false, width: Int = 120,
        height: Int = 30
    ) throws {
        session = try UISession(scenario: scenario, pausesAtPrompts: pausesAtPrompts, holdsNarration: holdsNarration)
        send(.resize(width: width, height: height))
    }

    /// Files the effects wrote, by path.
    private(set) var written: [String: String] = [:]
    /// The effects of the last action, as the update returned them.
    private(set) var effects: [UIEffect] = []
    /// True once an action asked to quit.
    private(set) var quit = false

    /// The action through the update, its effects carried out as the terminal does (files into
    /// `written`), their outcome sent back.
    func send(_ action: UIAction) {
        (state, effects) = UIUpdate.update(state, action, session)
        let done = effects
        for effect in done {
            if effect == .quit { quit = true }
            if let outcome = effect.carryOut(writeFile: { self.written[$0] = $1 }) { send(outcome) }
        }
        effects = done
    }

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

extension Harness {
    /// Presses keys as a user would, through the key table (what they do on the screen shown).
    func press(_ keys: Character...) {
        for key in keys {
            guard let action = KeyBinding.action(for: .char(key), in: state) else {
                Issue.record("key \(key) does nothing")
                return
            }
            send(action)
        }
    }

    func tab(_ name: String) -> SimTab { sim.tab(named: name)! }

    /// `s` until the status bar names `strategy` (at most once round the strategies).
    func switchStrategy(to strategy: ConflictStrategy) {
        for _ in ConflictStrategy.allCases where sim.options.config.conflictStrategy != strategy { press("s") }
        #expect(sim.options.config.conflictStrategy == strategy && status.contains(strategy.rawValue))
    }
}
