import TabSimulator
import TabSync

/// The receive path under arbitrary bytes: the harness behind the libFuzzer target in `Fuzz/` and
/// behind the replay of its saved corpus in `swift test` (the same code, so a saved input that once
/// crashed stays a test).
///
/// Three tabs (A, B, C) with `secret` excluded and leader election on, over a lossless channel that
/// carries JSON bytes (`SimulationOptions.wireJSON`): each injected line is parsed as JSON text and
/// decoded by the receiving engine, as are the tabs' own frames to each other. The input is read as
/// lines:
/// - `+N` advances the virtual clock N ms (at most a minute);
/// - `>A text` injects `text` as a raw frame to tab A only (`>B`, `>C` likewise);
/// - any other line is injected as a raw frame to every tab.
/// In every line `$A`, `$B` and `$C` stand for the tabs' ids, so inputs can forge them.
/// Afterwards, and after ten more simulated seconds, it asks: did any tab trap (the process would
/// have died), write an excluded key, or break a safety invariant (at most one leader per epoch,
/// epochs never decrease, no excluded key on the wire, no echo)?
public enum ReceiveFuzzer {
    /// Lines beyond this are ignored: an input is a short story, not a flood.
    public static let maxLines = 256

    /// The properties the input broke; empty when it broke none.
    public static func problems(_ bytes: some Collection<UInt8>) -> [String] {
        var options = SimulationOptions(seed: 1, network: NetworkConditions(latencyMs: 1...3), logCapacity: 64)
        options.config.excludeKeys = ["secret"]
        options.config.enableLeaderElection = true
        options.config.leaderHeartbeatMs = 200
        options.config.electionTimeoutMs = 50
        options.config.throttleMs = 0
        options.config.joinTimeoutMs = 100
        // The tabs' own frames travel as JSON bytes too, as between processes: every frame any tab
        // reads, theirs or the input's, went bytes -> JSON -> SyncMessage.
        options.wireJSON = true
        guard let sim = try? Simulation(options: options) else { return ["the harness's configuration is invalid"] }
        sim.logsTraffic = false
        let names = ["A", "B", "C"]
        var ids: [String: String] = [:]
        for name in names {
            guard let tab = try? sim.open(name, state: ["theme": "light", "secret": .string("\(name)-secret")]) else {
                return ["cannot open \(name)"]
            }
            ids[name] = tab.tabId
            sim.advance(byMs: 5)
        }
        sim.advance(byMs: 500)

        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).prefix(maxLines) {
            var text = String(decoding: line, as: UTF8.self)
            for (name, id) in ids { text = text.replacing("$" + name, with: id) }
            if text.first == "+" {
                sim.advance(byMs: min(60_000, max(0, Int(text.dropFirst()) ?? 0)))
            } else if text.first == ">", let name = text.dropFirst().first.map(String.init), names.contains(name) {
                try? sim.inject(raw: String(text.dropFirst(2).drop { $0 == " " }), to: name)
            } else {
                try? sim.inject(raw: text)
            }
        }
        sim.advance(byMs: 10_000)

        var found = sim.violations.map(\.description)
        for name in names {
            let secret = sim.tab(named: name)?.state["secret"]
            if secret != .string("\(name)-secret") {
                found.append("\(name)'s excluded key 'secret' now holds \(secret ?? .null)")
            }
        }
        return found
    }
}
