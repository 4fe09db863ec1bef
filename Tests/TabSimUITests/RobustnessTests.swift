import TabSimulator
import TabSync
import Testing

@testable import TabSimUI

/// No key, in any order, in any screen, traps or leaves the state inconsistent.
@Suite struct RobustnessTests {
    /// A small deterministic generator, so a failing sequence can be replayed by its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: 1...6)
    func randomKeysAndSizesNeverTrap(seed: UInt64) throws {
        var random = SplitMix(state: seed)
        let h = try Harness(tabs: Int(seed % 3) * 12 + 1, seed: seed)
        let keys = KeyBinding.all.flatMap(\.keys) + [.escape, .char("Z"), .char("n"), .char("n"), .char("n")]
        let sizes = [(0, 0), (1, 1), (40, 10), (80, 24), (120, 30), (200, 60), (61, 16), (500, 200)]
        for _ in 0..<600 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0:
                let s = sizes.randomElement(using: &random) ?? (80, 24)
                h.send(.resize(width: s.0, height: s.1))
            case 1: h.send(.tick(wallMs: Double.random(in: 0...400, using: &random)))
            default:
                let key = keys.randomElement(using: &random) ?? .char("q")
                if let action = KeyBinding.action(for: key, in: h.state), action != .quit, action != .save {
                    h.send(action)
                }
            }
            #expect(h.sim.tabs.count <= DemoSetup.maxTabs)
            #expect(h.sim.tabs.indices.contains(h.state.selected))
            let screen = h.screen
            #expect(screen.width == h.state.width && screen.height == h.state.height)
        }
        #expect(h.sim.violations.isEmpty)
    }
}
