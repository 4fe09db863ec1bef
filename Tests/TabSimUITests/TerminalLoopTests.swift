import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// A terminal and a clock in memory: keys come from a script, each after some milliseconds of
/// (fake) waiting; frames are kept.
final class FakeDevice: TerminalDevice, UIClock {
    enum Input {
        case key(Key)
        case resize(Int, Int)
    }

    var size: (width: Int, height: Int)
    private(set) var nowMs = 0.0
    private var script: [(afterMs: Double, input: Input)]
    private(set) var frames: [ScreenBuffer] = []
    private(set) var timeouts: [Int?] = []

    init(width: Int, height: Int, script: [(afterMs: Double, input: Input)]) {
        size = (width, height)
        self.script = script
    }

    func readKey(timeoutMs: Int?) -> Key? {
        timeouts.append(timeoutMs)
        guard let next = script.first else {
            // Nothing left: the user quits (a paused loop would otherwise wait for ever).
            return .char("q")
        }
        if let timeoutMs, next.afterMs > Double(timeoutMs) {
            script[0].afterMs -= Double(timeoutMs)
            nowMs += Double(timeoutMs)
            return nil
        }
        nowMs += next.afterMs
        script.removeFirst()
        switch next.input {
        case .key(let key): return key
        case .resize(let w, let h):
            size = (w, h)
            return nil
        }
    }

    func draw(_ screen: ScreenBuffer) { frames.append(screen) }
}

@Suite struct TerminalLoopTests {
    @Test func startKeysResizeAndQuitThroughTheWholeLoop() throws {
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 3))
        let device = FakeDevice(
            width: 120, height: 30,
            script: [
                (2000, .key(.char("t"))),  // A goes dark at t=2s
                (500, .resize(60, 40)),  // panes wrap into rows
                (100, .resize(50, 12)),  // too small
                (100, .key(.char("k"))),  // ignored while too small
                (100, .resize(120, 30)),
                (100, .key(.char(" "))),  // pause: the loop then waits without a timeout
                (5000, .key(.char("?"))),
                (10, .key(.escape)),
                (10, .key(.char("q"))),
            ])
        let final = TerminalUI.run(UIState(), session: session, device: device, clock: device)
        #expect(final.paused)
        #expect(!final.showHelp)
        #expect(final.width == 120 && final.height == 30)
        // Virtual time followed the fake clock until the pause, then stood still.
        #expect(session.simulation.nowMs > 2860 && session.simulation.nowMs <= 2900)
        #expect(session.simulation.tabs.allSatisfy { $0.liveness == .alive })  // k did nothing while too small
        #expect(session.simulation.tabs.allSatisfy { $0.state["theme"] == "dark" })
        #expect(device.timeouts.last == .some(nil))  // paused: blocking read, no CPU
        #expect(device.timeouts.first == TerminalUI.frameMs)
        #expect(device.frames.contains { $0.width == 60 && $0.line(Layout.paneHeight).contains("C  tab-") })
        #expect(device.frames.contains { $0.text.contains("Terminal too small: 50x12.") })
        #expect(device.frames.contains { $0.text.contains(HelpOverlay.title) })
        #expect(device.frames.last.map { $0.width == 120 && !$0.text.contains(HelpOverlay.title) } == true)
    }
}
