import TabSync

/// Named network conditions, selectable by name (`network: teaching` in a scenario, a UI key).
extension NetworkConditions {
    /// A browser's BroadcastChannel: a few milliseconds, nothing lost.
    public static let local = NetworkConditions(latencyMs: 1...5)
    /// Slow enough to watch: at x1 a message is visibly in flight for 0.3 to 0.9 s, so heartbeats,
    /// answers and elections can be followed by eye. Timeouts are unchanged (leader timeout 3 s).
    public static let teaching = NetworkConditions(latencyMs: 300...900)
    /// The teaching latency with one message in ten lost.
    public static let lossyTeaching = NetworkConditions(latencyMs: 300...900, drop: 0.1)

    /// Every preset by name, in the order a menu lists them.
    public static let presets: [(name: String, conditions: NetworkConditions)] = [
        ("local", .local), ("teaching", .teaching), ("lossy-teaching", .lossyTeaching),
    ]

    public static var presetNames: [String] { presets.map(\.name) }

    /// The preset called `name`, or nil.
    public static func preset(named name: String) -> NetworkConditions? {
        presets.first { $0.name == name }?.conditions
    }
}
