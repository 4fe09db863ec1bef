import TabSync

/// Writes a `Scenario` as a YAML scenario file that `ScenarioParser` reads back to the same
/// scenario: how the terminal UI records a session (and how a fuzz run can be kept).
///
/// Every string is double-quoted and escaped, so no value can be mistaken for a number, a boolean
/// or YAML syntax; numbers are written as integers when they are whole. What the parser cannot
/// read (an empty key, a state key named `tab` next to the tab's name, a leader named `none`, a
/// custom resolver without a built-in name) is refused here, naming the problem. In an expected
/// state, `null` reads back as "the key is absent".
public enum ScenarioWriter {
    /// The whole file: an optional comment, the header, then one flow-style line per step.
    public static func yaml(_ scenario: Scenario, comment: [String] = []) throws(ScenarioWriterError) -> String {
        var out = comment.map { "# " + $0 + "\n" }.joined()
        out += "name: \(quote(scenario.name))\n"
        out += "seed: \(scenario.seed)\n"
        out += "config: \(try config(scenario.options.config, resolverName: scenario.customResolverName))\n"
        if !scenario.options.tabConfigs.isEmpty {
            out += "tabConfig:\n"
            for (tab, c) in scenario.options.tabConfigs.sorted(by: { $0.key < $1.key }) {
                out += "  \(quote(tab)): \(try config(c, resolverName: scenario.customResolverName))\n"
            }
        }
        if scenario.options.wireJSON { out += "wireJSON: true\n" }
        out += "network: \(network(scenario.options.network))\n"
        out += "initialState: \(try value(.object(scenario.options.initialState)))\n"
        out += "steps:\n"
        for step in scenario.steps {
            var line = try self.step(step)
            // An external tab's `open` carries the command that plays it.
            if case .action(.open(let tab, _)) = step.kind, let command = scenario.options.externalTabs[tab] {
                line = String(line.dropLast()) + ", command: \(quote(command))}"
            }
            out += "  - \(line)\n"
        }
        return out
    }

    /// One step as a flow mapping: `{at: 20ms, open: "A"}`.
    public static func step(_ step: Scenario.Step) throws(ScenarioWriterError) -> String {
        let body: String
        switch step.kind {
        case .action(let action): body = try self.action(action)
        case .expect(let expectation): body = "expect: {\(try self.expectation(expectation))}"
        }
        return "{at: \(step.atMs)ms, \(body)}"
    }

    static func action(_ action: Scenario.Action) throws(ScenarioWriterError) -> String {
        switch action {
        case .open(let tab, nil): return "open: \(quote(tab))"
        case .open(let tab, let state?): return "open: {tab: \(quote(tab)), state: \(try value(.object(state)))}"
        case .close(let t): return "close: \(quote(t))"
        case .kill(let t): return "kill: \(quote(t))"
        case .freeze(let t): return "freeze: \(quote(t))"
        case .thaw(let t): return "thaw: \(quote(t))"
        case .reopen(let t): return "reopen: \(quote(t))"
        case .forceLeader(let t): return "forceLeader: \(quote(t))"
        case .timeOut(let t): return "timeOut: \(quote(t))"
        case .requestState(let t): return "requestState: \(quote(t))"
        case .isolate(let t): return "isolate: \(quote(t))"
        case .rejoin(let t): return "rejoin: \(quote(t))"
        case .cut(let link): return "cut: {from: \(quote(link.from)), to: \(quote(link.to))}"
        case .restore(let link): return "restore: {from: \(quote(link.from)), to: \(quote(link.to))}"
        case .set(let tab, let state): return "set: \(try tabAndDocument(tab, state, "set"))"
        case .broadcastState(let tab, nil): return "broadcastState: \(quote(tab))"
        case .broadcastState(let tab, let keys?): return "broadcastState: {tab: \(quote(tab)), keys: \(list(keys))}"
        case .partition(let groups): return "partition: [" + groups.map(list).joined(separator: ", ") + "]"
        case .heal: return "heal: true"
        case .healAll: return "heal: all"
        case .network(let n): return "network: \(network(n))"
        case .background(let tab, let ms): return "background: {tab: \(quote(tab)), throttleMs: \(ms)}"
        case .clockSkew(let tab, let ms): return "clockSkew: {tab: \(quote(tab)), ms: \(ms)}"
        case .conflictStrategy(let strategy, nil): return "conflictStrategy: \(quote(strategy.rawValue))"
        case .conflictStrategy(let strategy, let resolver?):
            return "conflictStrategy: {strategy: \(quote(strategy.rawValue)), customResolver: \(quote(resolver))}"
        case .workload(let w):
            return "workload: {editsPerSecond: \(number(w.editsPerSecondPerTab)), keys: \(list(w.keys))"
                + (w.untilMs.map { ", until: \($0)ms" } ?? "") + "}"
        case .stopWorkload: return "stopWorkload: true"
        case .inject(nil, let raw): return "inject: {raw: \(quote(raw))}"
        case .inject(let tab?, let raw): return "inject: {to: \(quote(tab)), raw: \(quote(raw))}"
        case .say(let text): return "say: \(quote(text))"
        case .prompt(let p):
            return "prompt: {action: \(p.action.rawValue), " + (p.tab.map { "tab: \(quote($0)), " } ?? "")
                + "text: \(quote(p.text))}"
        }
    }

    static func expectation(_ e: Scenario.Expectation) throws(ScenarioWriterError) -> String {
        switch e {
        case .leader(nil): return "leader: none"
        case .leader(let name?):
            guard name != "none" else { throw ScenarioWriterError("a leader named 'none' reads back as no leader") }
            return "leader: \(quote(name))"
        case .leaders(let n): return "leaders: \(n)"
        case .runningLeaders(let n): return "runningLeaders: \(n)"
        case .allFollow(let all): return "allFollow: \(all)"
        case .state(let tab, let values): return "state: \(try tabAndDocument(tab, values, "expect state"))"
        case .converged(let c): return "converged: \(c)"
        case .winners(let s): return "winners: \(quote(s.rawValue))"
        case .maxSentPerSecond(let n): return "maxSentPerSecond: \(n)"
        case .connectedTabs(let tab, let count): return "connectedTabs: {tab: \(quote(tab)), count: \(count)}"
        case .neverOnWire(let key): return "neverOnWire: \(quote(key))"
        case .violated(let property): return "violated: \(quote(property))"
        case .sent(let tab, let type, let count):
            return "sent: {tab: \(quote(tab)), type: \(quote(type.rawValue)), count: \(count)}"
        case .dropped(let tab, let reason, let count):
            return "dropped: {tab: \(quote(tab)), reason: \(quote(reason.rawValue)), count: \(count)}"
        }
    }

    static func config(_ c: BroadcastSyncConfig, resolverName: String?) throws(ScenarioWriterError) -> String {
        var fields = [
            "channelName: \(quote(c.channelName))", "syncKeys: \(list(c.syncKeys))",
            "excludeKeys: \(list(c.excludeKeys))",
            "throttleMs: \(c.throttleMs)", "debounceMs: \(c.debounceMs)",
            "conflictStrategy: \(quote(c.conflictStrategy.rawValue))",
        ]
        if c.customResolver != nil || c.conflictStrategy == .custom {
            guard let resolverName, BuiltinResolvers.all[resolverName] != nil else {
                throw ScenarioWriterError(
                    "the custom resolver has no built-in name (known: "
                        + BuiltinResolvers.names.joined(separator: ", ") + ")")
            }
            fields.append("customResolver: \(quote(resolverName))")
        }
        fields += [
            "enableLeaderElection: \(c.enableLeaderElection)", "leaderHeartbeatMs: \(c.leaderHeartbeatMs)",
            "electionTimeoutMs: \(c.electionTimeoutMs)", "tabPingIntervalMs: \(c.tabPingIntervalMs)",
            "joinTimeoutMs: \(c.joinTimeoutMs)", "debug: \(c.debug)",
        ]
        if let t = c.leaderTimeoutMs { fields.append("leaderTimeoutMs: \(t)") }
        if let t = c.tabTimeoutMs { fields.append("tabTimeoutMs: \(t)") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    static func network(_ n: NetworkConditions) -> String {
        "{latencyMs: [\(n.latencyMs.lowerBound), \(n.latencyMs.upperBound)], drop: \(number(n.drop)), "
            + "duplicate: \(number(n.duplicate)), reorder: \(number(n.reorder))}"
    }

    /// `{tab: "A", "theme": "dark"}`: the form of `set` and `expect: {state: ...}`.
    static func tabAndDocument(
        _ tab: String, _ document: StateDocument, _ what: String
    ) throws(ScenarioWriterError) -> String {
        guard document["tab"] == nil else {
            throw ScenarioWriterError("\(what) cannot hold a key named 'tab': it names the tab in a scenario file")
        }
        var parts = ["tab: \(quote(tab))"]
        for key in document.keys.sorted() { parts.append("\(try self.key(key)): \(try value(document[key] ?? .null))") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// A JSON value in YAML flow style, keys sorted so the same value is always written the same way.
    public static func value(_ v: JSONValue) throws(ScenarioWriterError) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return number(d)
        case .string(let s): return quote(s)
        case .array(let items):
            var parts: [String] = []
            for item in items { parts.append(try value(item)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .object(let o):
            var parts: [String] = []
            for k in o.keys.sorted() { parts.append("\(try key(k)): \(try value(o[k] ?? .null))") }
            return "{" + parts.joined(separator: ", ") + "}"
        }
    }

    static func key(_ k: String) throws(ScenarioWriterError) -> String {
        guard !k.isEmpty else { throw ScenarioWriterError("a scenario file cannot hold an empty key") }
        return quote(k)
    }

    static func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }

    /// Whole numbers as integers (`14`, not `14.0`); others in Swift's shortest form that reads back exactly.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return "\(d)"
    }

    /// A YAML double-quoted string. Characters YAML does not keep as they are (controls, line
    /// breaks other than the escaped ones, a BOM) are escaped as `\uXXXX`.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = scalar.value
                // NEL, LS and PS are line breaks to YAML, and a BOM is dropped: escape them too.
                let printable =
                    (0x20...0x7E).contains(v) || (0xA0...0xD7FF).contains(v)
                    || (0xE000...0xFFFD).contains(v) || v >= 0x10000
                if printable && v != 0xFEFF && v != 0x2028 && v != 0x2029 {
                    out.unicodeScalars.append(scalar)
                } else {
                    let hex = String(v, radix: 16, uppercase: true)
                    out +=
                        v > 0xFFFF
                        ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
                        : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        return out + "\""
    }
}

/// Why a scenario cannot be written as a file the parser reads back.
public struct ScenarioWriterError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { "cannot write the scenario: \(problem)" }
}
