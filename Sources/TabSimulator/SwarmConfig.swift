import TabSync

/// The configuration side of a swarm run: whether frames travel as JSON bytes, the tabs' timers,
/// and, on some runs, one tab configured unlike the others. Drawn from the seed like the fault mix
/// (`Swarm`), from a generator of its own, so that a seed's faults stay what they were.
///
/// Why: a fixed configuration tests one point of a wide space. Heartbeats, election and ping
/// timers near their floors make elections and repair race the network; a throttle or debounce
/// changes when updates leave; the JSON wire catches what a typed frame hides; and a tab whose
/// strategy or keys differ from the others' (an older page, a misconfigured one) must neither
/// break safety nor make the channel storm, though it cannot agree with them.
public struct SwarmConfig: Sendable, Equatable, CustomStringConvertible {
    /// One tab's configuration unlike the others'.
    public enum Difference: Sendable, Equatable, CustomStringConvertible {
        /// Another conflict strategy.
        case strategy(ConflictStrategy)
        /// A synced key the others sync, not synced here.
        case notSyncing(String)
        /// A synced key the others sync, excluded here.
        case excluding(String)

        public var description: String {
            switch self {
            case .strategy(let s): "strategy \(s.rawValue)"
            case .notSyncing(let key): "does not sync \(key)"
            case .excluding(let key): "excludes \(key)"
            }
        }
    }

    public var wireJSON = false
    public var leaderHeartbeatMs: Milliseconds = 1000
    /// nil: three heartbeats (the engine's default).
    public var leaderTimeoutMs: Milliseconds?
    public var electionTimeoutMs: Milliseconds = 250
    public var tabPingIntervalMs: Milliseconds = 2000
    public var throttleMs: Milliseconds = 100
    public var debounceMs: Milliseconds = 0
    /// The tab (by its number) configured unlike the others, and how.
    public var odd: (tab: Int, difference: Difference)?

    public init() {}

    /// The fuzzer's configuration of old: no tab differs, typed frames, heartbeat 1 s.
    public static let fixed = SwarmConfig()

    /// The ranges `draw` draws from, for the record (`tabsim fuzz --help`, the README).
    public static let ranges = """
        JSON wire 1 in 4; heartbeat 50-2000 ms; leader timeout 3 heartbeats or 2-5; election timeout 10-1000 ms; \
        ping 100-4000 ms; throttle 0-500 ms; debounce 0 (3 in 4) or 1-300 ms; one tab with another strategy, \
        one synced key fewer or one more excluded key: 1 in 4
        """

    /// The configuration of run `seed` for `tabs` tabs syncing `keys` under `strategy`; `mixed`
    /// false never makes a tab differ.
    public static func draw(
        seed: UInt64, strategy: ConflictStrategy, keys: [String], tabs: Int, mixed: Bool
    ) -> SwarmConfig {
        var random = SeededRandom(seed: seed &* 0xD1B5_4A32_D192_ED03 &+ 0x7A11)
        var c = SwarmConfig()
        c.wireJSON = Int.random(in: 0..<4, using: &random) == 0
        c.leaderHeartbeatMs = Milliseconds.random(in: 50...2000, using: &random)
        if Bool.random(using: &random) {
            c.leaderTimeoutMs = c.leaderHeartbeatMs * Milliseconds.random(in: 2...5, using: &random)
        }
        c.electionTimeoutMs = Milliseconds.random(in: 10...1000, using: &random)
        c.tabPingIntervalMs = Milliseconds.random(in: 100...4000, using: &random)
        c.throttleMs = Milliseconds.random(in: 0...500, using: &random)
        if Int.random(in: 0..<4, using: &random) == 0 {
            c.debounceMs = Milliseconds.random(in: 1...300, using: &random)
        }
        let differs = Int.random(in: 0..<4, using: &random) == 0
        let tab = Int.random(in: 0..<max(1, tabs), using: &random)
        let others = ConflictStrategy.allCases.filter { $0.converges && $0 != strategy }
        let difference: Difference =
            switch Int.random(in: 0..<3, using: &random) {
            case 0: .strategy(others.randomElement(using: &random) ?? .lastWriteWins)
            case 1: .notSyncing(keys.randomElement(using: &random)!)
            default: .excluding(keys.randomElement(using: &random)!)
            }
        if mixed, differs, tabs > 1, strategy.converges { c.odd = (tab, difference) }
        return c
    }

    /// Sets the drawn timers (and the wire mode, in `options`).
    public func apply(to config: inout BroadcastSyncConfig) {
        config.leaderHeartbeatMs = leaderHeartbeatMs
        config.leaderTimeoutMs = leaderTimeoutMs
        config.electionTimeoutMs = electionTimeoutMs
        config.tabPingIntervalMs = tabPingIntervalMs
        config.throttleMs = throttleMs
        config.debounceMs = debounceMs
    }

    /// The odd tab's configuration: `shared` with the difference.
    public func oddConfig(from shared: BroadcastSyncConfig) -> BroadcastSyncConfig? {
        guard let odd else { return nil }
        var c = shared
        switch odd.difference {
        case .strategy(let s): c.conflictStrategy = s
        case .notSyncing(let key): c.syncKeys.removeAll { $0 == key }
        case .excluding(let key):
            c.syncKeys.removeAll { $0 == key }
            c.excludeKeys.append(key)
        }
        return c
    }

    public static func == (a: SwarmConfig, b: SwarmConfig) -> Bool {
        a.description == b.description
    }

    /// One line: `JSON wire, heartbeat 420 ms, ..., tab C: strategy first-write-wins`.
    public var description: String {
        (wireJSON ? "JSON wire" : "typed frames") + ", heartbeat \(leaderHeartbeatMs) ms, leader timeout "
            + (leaderTimeoutMs.map { "\($0) ms" } ?? "3 heartbeats") + ", election \(electionTimeoutMs) ms, "
            + "ping \(tabPingIntervalMs) ms, throttle \(throttleMs) ms, debounce \(debounceMs) ms"
            + (odd.map { ", tab \(DemoSetup.tabName($0.tab)): \($0.difference)" } ?? ", every tab alike")
    }
}
